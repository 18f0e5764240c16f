-- Log readers wait only for transactions that can still commit events, not for every transaction of
-- the server (pg_snapshot_xmin is cluster-wide: one idle session in another database stalled them all).
--
-- Writers announce themselves: before their transaction gets an xid they take a shared advisory lock,
-- the append mark (17747, 1), and the stream's lock. The horizon is then the smallest xid, among the
-- transactions still in progress at the reader's snapshot, that either holds the mark now (an appender
-- still running) or has committed since (it may have appended; its events are invisible to this
-- snapshot). A holder of the mark without an xid yet gets one larger than any visible event, so it can
-- never commit an event behind the reader. The lock table is read before the commit status, so a
-- transaction that releases the mark in between is seen as committed.

create or replace function es_lock_stream_for_write(p_stream_id text)
returns void
language plpgsql
as $$
begin
    -- Both locks must be taken before this transaction gets an xid: then a later append to the same
    -- stream always has a larger xid, (tx_id, position) order keeps stream order, and the mark is
    -- held whenever the xid is.
    if pg_current_xact_id_if_assigned() is not null then
        raise exception using errcode = 'ES005',
            message = 'an append or a locked load must come before any other write of its transaction';
    end if;
    perform pg_advisory_xact_lock_shared(17747, 1);
    perform pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
end;
$$;

-- STABLE: every statement uses the caller's snapshot, the one the log query reads with.
create or replace function es_log_horizon()
returns xid8
language plpgsql
stable
as $$
declare
    v_snapshot  pg_snapshot := pg_current_snapshot();
    v_appenders xid[];
    v_horizon   xid8;
begin
    if pg_snapshot_xmin(v_snapshot) = pg_snapshot_xmax(v_snapshot) then
        return pg_snapshot_xmax(v_snapshot);
    end if;

    -- One call of pg_locks: the xids of the backends holding the append mark in this database.
    with l as materialized (
        select pid, locktype, classid, objid, objsubid, database, transactionid, mode, granted from pg_locks)
    select array_agg(t.transactionid) into v_appenders
    from l m
    join l t on t.pid = m.pid and t.locktype = 'transactionid' and t.mode = 'ExclusiveLock' and t.granted
    where m.locktype = 'advisory' and m.classid = 17747 and m.objid = 1 and m.objsubid = 2 and m.granted
      and m.database = (select oid from pg_database where datname = current_database());

    select min(x) into v_horizon
    from pg_snapshot_xip(v_snapshot) as x
    where x::xid = any(coalesce(v_appenders, '{}')) or pg_xact_status(x) = 'committed';

    return coalesce(v_horizon, pg_snapshot_xmax(v_snapshot));
end;
$$;

-- The append transactions readers are waiting for, oldest first: for status and readiness.
create or replace function es_log_blockers()
returns table (pid int, application_name text, client_addr text, state text, xact_age_seconds float8, query text)
language sql
stable
as $$
    select a.pid, a.application_name, a.client_addr::text, a.state,
           extract(epoch from now() - a.xact_start)::float8, left(a.query, 200)
    from pg_locks m
    join pg_stat_activity a on a.pid = m.pid
    where m.locktype = 'advisory' and m.classid = 17747 and m.objid = 1 and m.objsubid = 2 and m.granted
      and m.database = (select oid from pg_database where datname = current_database())
      and a.backend_xid is not null and a.pid <> pg_backend_pid()
    order by a.xact_start;
$$;

-- Returns created_at too, so an appender can hand the exact stored envelopes on at once (Kafka fast path).
drop function es_append_events(text, text, bigint, uuid[], text[], int[], json[], json[], text[]);
create function es_append_events(
    p_stream_id       text,
    p_category        text,
    p_expected        bigint,
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_data            json[],
    p_metadata        json[],
    p_correlation_ids text[])
returns table (appended_version bigint, appended_position bigint, was_duplicate boolean, appended_at timestamptz)
language plpgsql
as $$
declare
    v_current  bigint;
    v_deleted  timestamptz;
    v_count    int := cardinality(p_event_ids);
    v_existing bigint[];
begin
    perform es_lock_stream_for_write(p_stream_id);

    select s.version, s.deleted_at into v_current, v_deleted
    from es_streams s where s.stream_id = p_stream_id;
    v_current := coalesce(v_current, 0);

    if v_deleted is not null then
        raise exception using errcode = 'ES002',
            message = format('stream %s is deleted', p_stream_id), hint = v_current::text;
    end if;

    -- A retry of an append that already succeeded: same ids, same order, same position.
    if p_expected < 0 or p_expected <> v_current then
        select array_agg(e.stream_version order by u.ord) into v_existing
        from unnest(p_event_ids) with ordinality as u(id, ord)
        join es_events e on e.event_id = u.id and e.stream_id = p_stream_id;

        if v_existing is not null then
            if cardinality(v_existing) = v_count
               and (p_expected < 0 or v_existing[1] = p_expected + 1)
               and not exists (
                   select 1 from unnest(v_existing) with ordinality as x(v, i)
                   where x.v <> v_existing[1] + x.i - 1) then
                return query
                    select e.stream_version, e.global_position, true, e.created_at from es_events e
                    where e.stream_id = p_stream_id
                      and e.stream_version between v_existing[1] and v_existing[v_count]
                    order by e.stream_version;
                return;
            end if;
            raise exception using errcode = 'ES003',
                message = format('event ids already appended to %s at other positions', p_stream_id),
                hint = v_current::text;
        end if;
    end if;

    if (p_expected = -2 and v_current = 0) or (p_expected >= 0 and p_expected <> v_current) then
        raise exception using errcode = 'ES001',
            message = format('stream %s is at version %s, expected %s', p_stream_id, v_current, p_expected),
            hint = v_current::text;
    end if;

    insert into es_streams (stream_id, category, version, created_at, updated_at)
    values (p_stream_id, p_category, v_current + v_count, clock_timestamp(), clock_timestamp())
    on conflict (stream_id) do update set version = excluded.version, updated_at = excluded.updated_at;

    -- clock_timestamp() (not now()) so created_at never goes backwards within a stream.
    return query
        insert into es_events as e (event_id, stream_id, stream_version, category, event_type,
                                    schema_version, data, metadata, correlation_id, created_at)
        select u.id, p_stream_id, v_current + u.ord, p_category, u.t, u.sv, u.d, u.m, u.c, clock_timestamp()
        from unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_correlation_ids)
             with ordinality as u(id, t, sv, d, m, c, ord)
        order by u.ord
        returning e.stream_version, e.global_position, false, e.created_at;
end;
$$;

-- Tombstones a stream under the same per-stream lock as appends.
create or replace function es_tombstone_stream(p_stream_id text, p_expected bigint)
returns setof es_streams
language plpgsql
as $$
declare
    v_stream es_streams;
begin
    perform es_lock_stream_for_write(p_stream_id);
    select * into v_stream from es_streams where stream_id = p_stream_id;
    if v_stream.stream_id is null then
        raise exception using errcode = 'ES004', message = format('stream %s does not exist', p_stream_id), hint = '0';
    end if;
    if v_stream.deleted_at is not null then
        raise exception using errcode = 'ES002', message = format('stream %s is deleted', p_stream_id),
            hint = v_stream.version::text;
    end if;
    if p_expected >= 0 and p_expected <> v_stream.version then
        raise exception using errcode = 'ES001',
            message = format('stream %s is at version %s, expected %s', p_stream_id, v_stream.version, p_expected),
            hint = v_stream.version::text;
    end if;
    return query update es_streams set deleted_at = clock_timestamp(), updated_at = clock_timestamp()
        where stream_id = p_stream_id returning *;
end;
$$;
