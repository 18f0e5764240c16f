-- Records a command's idempotency key in the transaction of its events. A live key of another request
-- raises ES006, which aborts the whole batch (the events and the commit queued behind it).
-- An expired key may be taken over; a live one never is.
create or replace function es_record_command(p_key text, p_request_hash text, p_result jsonb, p_expires_at timestamptz)
returns void
language plpgsql
as $$
begin
    insert into es_idempotency_keys (key, request_hash, result, expires_at)
    values (p_key, p_request_hash, p_result, p_expires_at)
    on conflict (key) do update
        set request_hash = excluded.request_hash, result = excluded.result, created_at = now(), expires_at = excluded.expires_at
        where es_idempotency_keys.expires_at <= now();
    if not found then
        raise exception using errcode = 'ES006', message = format('idempotency key %s is already recorded', p_key);
    end if;
end;
$$;
