-- Aggregate snapshots: the last K per stream are kept (pruned on save and by the cleanup job).
create table es_snapshots (
    stream_id      text        not null,
    version        bigint      not null,
    schema_version int         not null,
    state          jsonb       not null,
    taken_at       timestamptz not null,
    primary key (stream_id, version)
);

-- The newest snapshot version per stream, so the snapshot job finds streams that are due with an
-- index instead of scanning events.
alter table es_streams add column snapshot_version bigint not null default 0;
create index es_streams_snapshot_due_ix on es_streams (category, (version - snapshot_version)) where deleted_at is null;

-- Idempotency keys of commands, written in the same transaction as the command's events.
create table es_idempotency_keys (
    key          text        primary key,
    request_hash text        not null,
    result       jsonb       not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);
create index es_idempotency_keys_expires_ix on es_idempotency_keys (expires_at);
