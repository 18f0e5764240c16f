-- Group commit: appends that arrive together are written by one transaction (one round trip, one WAL flush).
--
-- The body of es_append_events moves to es_append_stream, which expects the caller to hold the append mark and the
-- stream's lock already: a batch must take every lock before its transaction gets an xid (see 0009), so it cannot
-- call es_append_events once per stream. es_append_events keeps its signature and behaviour for single appends and
-- appends inside a caller's transaction.

create function es_append_stream(
    p_stream_id       text,
    p_category        text,
    p_expected        bigint,
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_data            json[],
    p_metadata        json[],
    p_correlation_ids text[],
    p_principals      text[],
    p_subjects        text[])
returns table (appended_version bigint, appended_position bigint, was_duplicate boolean, appended_at timestamptz)
language plpgsql
as $$
declare
    v_current  bigint;
    v_deleted  timestamptz;
    v_count    int := cardinality(p_event_ids);
    v_existing bigint[];
begin
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

    -- Personal data: every subject whose key encrypted these events must still have it when they commit. The subjects'
    -- shared locks make an erasure wait for this transaction, or it has already destroyed the key and this append is
    -- refused: nothing is ever committed under a key that no longer exists.
    if cardinality(p_subjects) > 0 then
        perform es_require_subject_keys(p_subjects);
        insert into es_subject_streams (subject, stream_id)
        select distinct s, p_stream_id from unnest(p_subjects) as s
        on conflict do nothing;
    end if;

    -- clock_timestamp() (not now()) so created_at never goes backwards within a stream.
    return query
        insert into es_events as e (event_id, stream_id, stream_version, category, event_type,
                                    schema_version, data, metadata, correlation_id, principal, created_at)
        select u.id, p_stream_id, v_current + u.ord, p_category, u.t, u.sv, u.d, u.m, u.c, u.p, clock_timestamp()
        from unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_correlation_ids, p_principals)
             with ordinality as u(id, t, sv, d, m, c, p, ord)
        order by u.ord
        returning e.stream_version, e.global_position, false, e.created_at;
end;
$$;

create or replace function es_append_events(
    p_stream_id       text,
    p_category        text,
    p_expected        bigint,
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_data            json[],
    p_metadata        json[],
    p_correlation_ids text[],
    p_principals      text[],
    p_subjects        text[])
returns table (appended_version bigint, appended_position bigint, was_duplicate boolean, appended_at timestamptz)
language plpgsql
as $$
begin
    perform es_lock_stream_for_write(p_stream_id);
    return query select * from es_append_stream(p_stream_id, p_category, p_expected, p_event_ids, p_types,
        p_schema_versions, p_data, p_metadata, p_correlation_ids, p_principals, p_subjects);
end;
$$;

-- Several appends in one transaction. Item i owns p_counts[i] consecutive entries of the event arrays and
-- p_subject_counts[i] of p_subjects. Each item runs in its own subtransaction, so a refusal (wrong version, deleted
-- stream, duplicate id, erased subject) undoes that item only and is returned as its row; any other error fails the
-- whole batch. Items of one stream run in order and see each other, exactly as if they had come one after another.
-- The caller decides what a refusal means: the group-commit writer commits the rest, an atomic multi-stream append
-- rolls everything back.
--
-- p_wait false (the group-commit writer) only tries each stream's lock: an item whose stream another transaction holds
-- (a command between its load and its commit, say) comes back 'busy' untouched, for the caller to append on its own,
-- so one held stream never stalls the unrelated appends coalesced with it. p_wait true (atomic appends) waits, taking
-- the locks in one global order so that two batches sharing streams never deadlock.
create function es_append_batch(
    p_stream_ids      text[],
    p_categories      text[],
    p_expected        bigint[],
    p_counts          int[],
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_data            json[],
    p_metadata        json[],
    p_correlation_ids text[],
    p_principals      text[],
    p_subjects        text[],
    p_subject_counts  int[],
    p_wait            boolean)
returns table (item int, appended_version bigint, appended_position bigint, was_duplicate boolean, appended_at timestamptz,
               error_state text, error_constraint text, error_hint text)
language plpgsql
as $$
declare
    v_first      int := 1;
    v_last       int;
    v_sub_first  int := 1;
    v_sub_last   int;
    v_state      text;
    v_constraint text;
    v_hint       text;
    v_busy       bigint[];
begin
    if pg_current_xact_id_if_assigned() is not null then
        raise exception using errcode = 'ES005',
            message = 'an append or a locked load must come before any other write of its transaction';
    end if;
    -- Every lock before the first write, so before the xid (see es_lock_stream_for_write).
    perform pg_advisory_xact_lock_shared(17747, 1);
    if p_wait then
        perform pg_advisory_xact_lock(h)
        from (select distinct hashtextextended(s, 0) as h from unnest(p_stream_ids) as s order by 1) x;
    else
        select array_agg(h) into v_busy
        from (select distinct hashtextextended(s, 0) as h from unnest(p_stream_ids) as s) x
        where not pg_try_advisory_xact_lock(h);
    end if;

    for i in 1 .. cardinality(p_stream_ids) loop
        v_last := v_first + p_counts[i] - 1;
        v_sub_last := v_sub_first + p_subject_counts[i] - 1;
        if v_busy is not null and hashtextextended(p_stream_ids[i], 0) = any(v_busy) then
            return query select i, null::bigint, null::bigint, null::boolean, null::timestamptz, 'busy'::text, null::text, null::text;
        else
            begin
                return query
                    select i, r.appended_version, r.appended_position, r.was_duplicate, r.appended_at, null::text, null::text, null::text
                    from es_append_stream(p_stream_ids[i], p_categories[i], p_expected[i],
                        p_event_ids[v_first:v_last], p_types[v_first:v_last], p_schema_versions[v_first:v_last],
                        p_data[v_first:v_last], p_metadata[v_first:v_last], p_correlation_ids[v_first:v_last],
                        p_principals[v_first:v_last], coalesce(p_subjects[v_sub_first:v_sub_last], '{}')) r;
            exception when sqlstate 'ES001' or sqlstate 'ES002' or sqlstate 'ES003' or sqlstate 'ES007' or unique_violation then
                get stacked diagnostics v_state = returned_sqlstate, v_constraint = constraint_name, v_hint = pg_exception_hint;
                return query select i, null::bigint, null::bigint, null::boolean, null::timestamptz, v_state, v_constraint, v_hint;
            end;
        end if;
        v_first := v_last + 1;
        v_sub_first := v_sub_last + 1;
    end loop;
end;
$$;
