-- Rebuild progress moves to a row of its own: the live catch-up (es_projections) and a rebuild step
-- each update only their own row, so they never wait on each other (they deadlocked when both held a
-- share lock on one row and then updated it). The swap's handshake with live applies is an advisory
-- lock per projection (17748, hashtext(name)): shared for applies, exclusive for the swap.
create table es_projection_rebuilds (
    name            text        primary key,
    status          text        not null,                -- running | completed | failed
    cursor_tx       xid8        not null default '0',
    cursor_position bigint      not null default 0,
    processed       bigint      not null default 0,
    total           bigint      not null default 0,
    category        text,
    from_time       timestamptz,
    to_time         timestamptz,
    started_at      timestamptz not null default now(),
    finished_at     timestamptz,
    error           text
);

insert into es_projection_rebuilds (name, status, cursor_tx, cursor_position, processed, total, category, from_time, to_time, started_at, finished_at, error)
select name, rebuild_status, rebuild_cursor_tx, rebuild_cursor_position, rebuild_processed, rebuild_total,
       rebuild_category, rebuild_from, rebuild_to, coalesce(rebuild_started_at, now()), rebuild_finished_at, rebuild_error
from es_projections where rebuild_status is not null;

alter table es_projections
    drop column rebuild_status, drop column rebuild_cursor_tx, drop column rebuild_cursor_position,
    drop column rebuild_processed, drop column rebuild_total, drop column rebuild_started_at,
    drop column rebuild_finished_at, drop column rebuild_error, drop column rebuild_category,
    drop column rebuild_from, drop column rebuild_to;

-- An operator can skip a parked event that will never apply: recorded with who and why, and the
-- projection then reports that its read model diverged from the log.
alter table es_dead_letters
    add column resolved_by text,
    add column resolution  text;
