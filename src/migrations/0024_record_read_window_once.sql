-- The audited read's window counted once, and this read's people probed by
-- primary key (their own number), instead of a union over the whole window.
-- This change was first made by editing 0018 after it had landed; 0018 is
-- back to its landed text, and the change lives here (DESIGN.md rule 9).
-- Installations that applied the edited 0018 are accepted by the migration
-- runner (a recorded alias) and run this file like every other one: the
-- function ends the same either way.
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
  -- The window is counted once; this read's new people are found by primary-key probes (its own size).
  select count(*)::int into v_before
    from read_ledger where workspace_id = v_ws and actor_key = p_actor_key and last_read_at > p_since;
  select v_before + count(*)::int into v_after
    from (select distinct unnest(p_subject_ids) as subject_id) s
    where not exists (
      select 1 from read_ledger l
      where l.workspace_id = v_ws and l.actor_key = p_actor_key and l.subject_id = s.subject_id and l.last_read_at > p_since);
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
