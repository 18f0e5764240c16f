-- The order domain's read model, created by the module's own migration (not the store's).
create table es_rm_order_summaries (
    order_id text   primary key,
    customer text   not null,
    status   text   not null,
    items    bigint not null,
    total    bigint not null,
    version  bigint not null
);
