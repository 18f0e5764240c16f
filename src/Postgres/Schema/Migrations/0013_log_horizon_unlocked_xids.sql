-- A backend's xid enters the proc array (and so every new snapshot's xip) a moment before its lock on that
-- xid enters the lock table (AssignTransactionId: GetNewTransactionId, then XactLockTableInsert). The 0009
-- horizon looked appenders up by that lock, so an appender caught in the gap counted as "not an appender",
-- the horizon passed it, and its events committed behind readers' cursors (seen once: a live subscriber
-- missed one event of 480 under 8 writers).
--
-- Now the test is turned around: an in-progress xid is passed only when it is known NOT to be an appender,
-- that is, its lock is in the table and its backend does not hold the append mark (an xid can never take the
-- mark later: es_lock_stream_for_write refuses). Xids whose owner is unknown are waited for, like committed
-- ones; an aborted one is harmless (it leaves the next snapshot's xip). Idle transactions of other databases
-- or tables hold their xid lock, so they still do not hold readers back.
create or replace function es_log_horizon()
returns xid8
language plpgsql
stable
as $$
declare
    v_snapshot  pg_snapshot := pg_current_snapshot();
    v_others    xid[];
    v_horizon   xid8;
begin
    if pg_snapshot_xmin(v_snapshot) = pg_snapshot_xmax(v_snapshot) then
        return pg_snapshot_xmax(v_snapshot);
    end if;

    -- One call of pg_locks: the xids of the backends that do not hold the append mark in this database.
    with l as materialized (
        select pid, locktype, classid, objid, objsubid, database, transactionid, mode, granted from pg_locks),
    marked as (
        select m.pid from l m
        where m.locktype = 'advisory' and m.classid = 17747 and m.objid = 1 and m.objsubid = 2 and m.granted
          and m.database = (select oid from pg_database where datname = current_database()))
    select array_agg(t.transactionid) into v_others
    from l t
    where t.locktype = 'transactionid' and t.mode = 'ExclusiveLock' and t.granted and t.pid is not null
      and t.pid not in (select pid from marked);

    select min(x) into v_horizon
    from pg_snapshot_xip(v_snapshot) as x
    where x::xid <> all(coalesce(v_others, '{}')) or pg_xact_status(x) = 'committed';

    return coalesce(v_horizon, pg_snapshot_xmax(v_snapshot));
end;
$$;
