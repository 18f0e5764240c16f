-- Read models of the sample bank, written by its projections. "if not exists": databases created before the
-- bank became a module got these tables from the store's own migration 0005.
create table if not exists es_rm_account_balances (
    account_id text        primary key,
    owner      text        not null,
    currency   text        not null,
    balance    bigint      not null,
    status     text        not null,
    version    bigint      not null,
    updated_at timestamptz not null
);

create table if not exists es_rm_account_statement (
    account_id    text        not null,
    version       bigint      not null,
    occurred_at   timestamptz not null,
    kind          text        not null,
    amount        bigint      not null,
    balance_after bigint      not null,
    reference     text,
    primary key (account_id, version)
);

create table if not exists es_rm_daily_totals (
    day       date   not null,
    currency  text   not null,
    deposited bigint not null default 0,
    withdrawn bigint not null default 0,
    movements bigint not null default 0,
    primary key (day, currency)
);
