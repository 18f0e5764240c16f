-- Personal data (crypto-shredding). Each data subject has one data key, stored wrapped (AES-256-GCM) by a master key
-- that never reaches the database; wrapped_key names its master-key version so the master key rotates without
-- rewriting events. Erasing a subject sets wrapped_key to null: the key is gone, the row stays as the record that the
-- subject was erased (later appends of its data are refused).
create table es_subject_keys (
    subject         text        primary key,
    master_version  int,
    wrapped_key     bytea,
    created_at      timestamptz not null default now(),
    erased_at       timestamptz,
    constraint es_subject_keys_erased_ck check ((wrapped_key is null) = (erased_at is not null))
);
create index es_subject_keys_master_ix on es_subject_keys (master_version) where wrapped_key is not null;

-- Which streams hold a subject's data, so an erasure can drop their snapshots and cached copies.
create table es_subject_streams (
    subject   text not null,
    stream_id text not null,
    primary key (subject, stream_id)
);

-- One known value per master-key version, encrypted with it: a host configured with a different key for that
-- version fails at start-up instead of reading garbage.
create table es_master_key_checks (
    version     int         primary key,
    check_value bytea       not null,
    created_at  timestamptz not null default now()
);

-- Writers of a subject's data and its erasure meet on an advisory lock per subject (class 17748, two-int form, so it
-- shares no key with the streams' bigint locks): writers take it shared, erasure exclusive. A writer that holds it
-- commits before an erasure can start; one that comes after an erasure's commit sees the key gone. Shared advisory
-- locks live in the lock manager only: unlike FOR SHARE on the key row, they write nothing (no multixact, no WAL) and
-- many writers of one subject never queue on its row.
create function es_lock_subjects_shared(p_subjects text[])
returns void
language sql
as $$
    select pg_advisory_xact_lock_shared(17748, hashtext(s)) from (select distinct s from unnest(p_subjects) as s order by s) x;
$$;

-- Holds the subjects against erasure until commit and raises ES007 when one is erased or missing.
create function es_require_subject_keys(p_subjects text[])
returns void
language plpgsql
as $$
declare
    v_found int;
begin
    perform es_lock_subjects_shared(p_subjects);
    select count(*) into v_found
    from es_subject_keys
    where subject = any(p_subjects) and wrapped_key is not null;
    if v_found < (select count(distinct s) from unnest(p_subjects) as s) then
        raise exception using errcode = 'ES007', message = 'personal data for an erased subject';
    end if;
end;
$$;

-- The wrapped keys of some subjects, held against erasure until commit: a projection that writes decrypted values
-- reads them in its own transaction, so an erasure either waits for it (and then scrubs what it wrote) or comes first
-- (and it sees none).
create function es_subject_keys_for_share(p_subjects text[])
returns table (subject text, master_version int, wrapped_key bytea)
language plpgsql
as $$
begin
    perform es_lock_subjects_shared(p_subjects);
    return query
        select k.subject, k.master_version, k.wrapped_key from es_subject_keys k
        where k.subject = any(p_subjects) and k.wrapped_key is not null;
end;
$$;

-- Destroys a subject's key (or records the erasure of a subject never seen) and returns what it held.
create function es_erase_subject(p_subject text)
returns table (had_key boolean, erased_before timestamptz, streams text[])
language plpgsql
as $$
declare
    v_row es_subject_keys;
begin
    perform pg_advisory_xact_lock(17748, hashtext(p_subject));
    select * into v_row from es_subject_keys where subject = p_subject for update;
    -- An upsert, not "insert if missing": a key created by a concurrent first append is destroyed too.
    insert into es_subject_keys (subject, master_version, wrapped_key, erased_at) values (p_subject, null, null, now())
    on conflict (subject) do update
        set wrapped_key = null, master_version = null, erased_at = coalesce(es_subject_keys.erased_at, now());
    return query select v_row.wrapped_key is not null, v_row.erased_at,
        coalesce((select array_agg(s.stream_id order by s.stream_id) from es_subject_streams s where s.subject = p_subject), '{}');
end;
$$;

drop function es_append_events(text, text, bigint, uuid[], text[], int[], json[], json[], text[], text[]);
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

    -- Personal data: every subject whose key encrypted these events must still have it when they commit. The key rows
    -- are locked for share, so an erasure (which updates them) waits for this transaction, or has already destroyed the
    -- key and this append is refused: nothing is ever committed under a key that no longer exists.
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

