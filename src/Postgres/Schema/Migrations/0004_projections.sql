-- Projection state: status, the local catch-up cursor (gap-safe: tx id + position) and rebuild progress.
create table es_projections (
    name              text        primary key,
    status            text        not null default 'running', -- running | stopped
    cursor_tx         xid8        not null default '0',
    cursor_position   bigint      not null default 0,
    last_error        text,
    updated_at        timestamptz not null default now(),
    rebuild_status    text,                                   -- null | running | completed | failed
    rebuild_cursor_tx xid8        not null default '0',
    rebuild_cursor_position bigint not null default 0,
    rebuild_processed bigint      not null default 0,
    rebuild_total     bigint      not null default 0,
    rebuild_started_at timestamptz,
    rebuild_finished_at timestamptz,
    rebuild_error     text
);

-- Per (projection, stream): the last stream version applied. Duplicates are skipped; a jump is healed.
create table es_projection_checkpoints (
    projection text   not null,
    stream_id  text   not null,
    version    bigint not null,
    primary key (projection, stream_id)
);

-- Events a projection could not apply after its retries, with the error and the envelope.
create table es_dead_letters (
    id              bigint      generated always as identity primary key,
    projection      text        not null,
    event_id        uuid        not null,
    stream_id       text        not null,
    stream_version  bigint      not null,
    global_position bigint      not null,
    event_type      text        not null,
    envelope        json        not null,
    error           text        not null,
    attempts        int         not null,
    status          text        not null default 'parked', -- parked | resolved
    parked_at       timestamptz not null default now(),
    resolved_at     timestamptz
);
create index es_dead_letters_projection_ix on es_dead_letters (projection, status, id);

-- The relay's cursor into the log (Azure: log → Kafka).
create table es_relay_cursors (
    name       text        primary key,
    cursor_tx  xid8        not null default '0',
    position   bigint      not null default 0,
    updated_at timestamptz not null default now()
);
