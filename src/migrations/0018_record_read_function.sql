-- An audited personal read in one round trip (docs/reading-many-people.md):
-- serialize the actor's reads, read the workspace's budget, count the rolling
-- window with this read added, record the ledger rows and append the audit
-- event. Before this, those were five statements per request; the round trips
-- (not the writes) were most of an audited read's cost over plain reading.
--
-- plpgsql under READ COMMITTED takes a fresh snapshot for each statement, so
-- the count after the advisory lock sees every read committed before it —
-- the reason the lock was a statement of its own. SECURITY INVOKER: it runs
-- as the app role, under row-level security, in the request's workspace.
-- The audit row arrives as JSON already validated by the audit module
-- (src/platform/audit/event.ts toRow) and is inserted exactly as
-- recordAuditMany inserts it. Refused (over budget, may not exceed): nothing
-- is written, and the caller raises the 429.
create or replace function confidant_record_read(
  p_actor_key text,
  p_subject_ids uuid[],
  p_now timestamptz,
  p_since timestamptz,
  p_may_exceed boolean,
  p_default_budget int,
  p_audit jsonb
) returns table (n_before int, n_after int, counted boolean, budget int)
language plpgsql volatile security invoker set search_path = pg_catalog, public
as $$
declare
  v_ws uuid := confidant_current_workspace();
  v_budget int;
  v_before int;
  v_after int;
  v_counted boolean := false;
begin
  if v_ws is null then
    raise exception 'confidant_record_read needs a workspace transaction';
  end if;
  perform pg_advisory_xact_lock(hashtextextended(v_ws::text || '/read/' || p_actor_key, 0));
  -- The settings service's rule: a positive whole number, else the default.
  select case
      when jsonb_typeof(w.settings -> 'readBudgetPerHour') = 'number'
        and (w.settings ->> 'readBudgetPerHour')::numeric > 0
        and (w.settings ->> 'readBudgetPerHour')::numeric = trunc((w.settings ->> 'readBudgetPerHour')::numeric)
        and (w.settings ->> 'readBudgetPerHour')::numeric <= 2147483647
      then (w.settings ->> 'readBudgetPerHour')::int end
    into v_budget
    from workspaces w where w.id = v_ws;
  v_budget := coalesce(v_budget, p_default_budget);
  select count(*)::int into v_before
    from read_ledger where actor_key = p_actor_key and last_read_at > p_since;
  select count(*)::int into v_after from (
    select subject_id from read_ledger where actor_key = p_actor_key and last_read_at > p_since
    union
    select unnest(p_subject_ids)
  ) u;
  if p_may_exceed or v_after <= v_budget then
    insert into read_ledger (workspace_id, actor_key, subject_id, last_read_at)
      select distinct v_ws, p_actor_key, s, p_now from unnest(p_subject_ids) s
      on conflict (workspace_id, actor_key, subject_id) do update set last_read_at = excluded.last_read_at;
    insert into audit_events (workspace_id, action, actor_type, actor_id, subject_ids, purpose, details, request_id)
      select v_ws, r.action, r.actor_type, r.actor_id, r.subject_ids, r.purpose, r.details, r.request_id
      from jsonb_to_recordset(p_audit) as r(
        action text, actor_type text, actor_id uuid, subject_ids uuid[], purpose text, details jsonb, request_id text);
    v_counted := true;
  end if;
  return query select v_before, v_after, v_counted, v_budget;
end
$$;
revoke execute on function confidant_record_read(text, uuid[], timestamptz, timestamptz, boolean, int, jsonb) from public;
grant execute on function confidant_record_read(text, uuid[], timestamptz, timestamptz, boolean, int, jsonb) to confidant_app;
