-- Streams and events. Every object is prefixed es_.

create table es_streams (
    stream_id   text        primary key,
    category    text        not null,
    version     bigint      not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    deleted_at  timestamptz
);

create table es_events (
    global_position bigint      generated always as identity primary key,
    -- The writer's transaction id: the gap-safe reader orders by (tx_id, global_position).
    tx_id           xid8        not null default pg_current_xact_id(),
    event_id        uuid        not null,
    stream_id       text        not null,
    stream_version  bigint      not null,
    category        text        not null,
    event_type      text        not null,
    schema_version  int         not null,
    -- json, not jsonb: nothing queries inside event data, and json stores and returns the text as
    -- written (no re-encoding on every read of a long stream).
    data            json        not null,
    metadata        json        not null,
    correlation_id  text,
    created_at      timestamptz not null,
    constraint es_events_stream_version_uk unique (stream_id, stream_version),
    constraint es_events_event_id_uk unique (event_id)
);

create index es_events_tx_position_ix on es_events (tx_id, global_position);
create index es_events_category_ix on es_events (category, global_position);
create index es_events_type_ix on es_events (event_type, global_position);
create index es_events_correlation_ix on es_events (correlation_id, global_position) where correlation_id is not null;
-- created_at rises with global_position, so a BRIN index serves time ranges at almost no write cost.
create index es_events_created_brin on es_events using brin (created_at);
