-- Local saga engine: which saga instances are runnable, and who holds each (a lease, not a held lock,
-- so no transaction stays open while a step runs). The saga's history is its event stream.
create table es_saga_runs (
    saga_id     uuid        primary key,
    saga        text        not null,
    status      text        not null default 'active', -- active | finished
    outcome     text,
    next_run_at timestamptz not null default now(),
    lease_owner text,
    lease_until timestamptz,
    created_at  timestamptz not null default now(),
    finished_at timestamptz
);
create index es_saga_runs_runnable_ix on es_saga_runs (next_run_at) where status = 'active';
create index es_saga_runs_finished_ix on es_saga_runs (finished_at) where status = 'finished';
