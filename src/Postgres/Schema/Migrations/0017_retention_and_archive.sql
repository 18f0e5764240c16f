-- Retention policies and the archive (README "Retention and archiving").
--
-- A stream's own policy lives on its row (null: the category's setting, or no limit). archived_version is the
-- highest version moved to Blob Storage: the stream's hot events start above it, and its archived ones are listed in
-- es_archive_segments, the manifest. A segment's row is inserted in the same transaction that deletes its events
-- from es_events, so every event is in exactly one of the two at any commit.

alter table es_streams
    add column max_count        bigint,
    add column max_age_seconds  bigint,
    add column truncate_before  bigint,
    add column archived_version bigint not null default 0;

create table es_archive_segments (
    stream_id        text        not null,
    from_version     bigint      not null,
    to_version       bigint      not null,
    category         text        not null,
    event_count      int         not null,
    -- Positions and transaction ids of the segment's events: global reads find the segments that overlap a page.
    min_position     bigint      not null,
    max_position     bigint      not null,
    min_tx           xid8        not null,
    max_tx           xid8        not null,
    first_created_at timestamptz not null,
    last_created_at  timestamptz not null,
    blob_name        text        not null,
    sha256           text        not null,
    archived_at      timestamptz not null default now(),
    primary key (stream_id, from_version)
);

create index es_archive_segments_max_tx_ix on es_archive_segments (max_tx);
create index es_archive_segments_max_position_ix on es_archive_segments (max_position);
