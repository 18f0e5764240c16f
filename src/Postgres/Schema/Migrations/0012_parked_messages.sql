-- Messages from the events topic that are not event envelopes: parked (once per topic/partition/offset) so
-- the partition moves on instead of retrying one bad message forever. Outages are retried, never parked.
create table es_parked_messages (
    id         bigint      generated always as identity primary key,
    source     text        not null,   -- "topic/partition/offset", or a hash of the message when it has none
    message    text        not null,
    error      text        not null,
    parked_at  timestamptz not null default now(),
    constraint es_parked_messages_source_uk unique (source)
);
