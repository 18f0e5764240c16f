-- Scheduled jobs: one lease per job so concurrent firings never run it twice at once, and a record of each run.
create table es_jobs (
    name        text        primary key,
    lease_owner text,
    lease_until timestamptz
);

create table es_job_runs (
    id          bigint      generated always as identity primary key,
    job         text        not null,
    owner       text        not null,
    status      text        not null, -- completed | partial (budget ran out) | skipped (another run held the lease) | failed
    started_at  timestamptz not null,
    finished_at timestamptz not null,
    counts      json        not null,
    error       text
);
create index es_job_runs_job_ix on es_job_runs (job, id desc);

-- Every hard-deleted stream, for the audit trail.
create table es_purge_log (
    stream_id   text        not null,
    event_count bigint      not null,
    deleted_at  timestamptz,
    purged_at   timestamptz not null default now()
);
create index es_purge_log_stream_ix on es_purge_log (stream_id);
