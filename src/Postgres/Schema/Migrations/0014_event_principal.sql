-- Who wrote each event, as the server authenticated it (metadata.principal.id), in a column of its own so the
-- audit query "what did this principal write" is an index range, not a scan of every event's metadata. Null on an
-- open API and for events written before; the partial index costs nothing there.
alter table es_events add column principal text;
create index es_events_principal_ix on es_events (principal, global_position) where principal is not null;

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
    p_correlation_ids text[],
    p_principals      text[])
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
                                    schema_version, data, metadata, correlation_id, principal, created_at)
        select u.id, p_stream_id, v_current + u.ord, p_category, u.t, u.sv, u.d, u.m, u.c, u.p, clock_timestamp()
        from unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_correlation_ids, p_principals)
             with ordinality as u(id, t, sv, d, m, c, p, ord)
        order by u.ord
        returning e.stream_version, e.global_position, false, e.created_at;
end;
$$;

