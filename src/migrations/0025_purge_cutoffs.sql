-- The SECURITY DEFINER purges that cross workspaces took their cut-off from
-- the caller, so SQL injected into the app role (THREATS.md actor H) could
-- call confidant_auth_throttle_purge('infinity') and wipe every account's
-- brute-force counters, or empty every workspace's idempotency keys, jobs
-- and exports at once. Each now cuts at the database's now() minus a fixed
-- retention. The signatures stay, so callers keep working: a caller may
-- still pass an earlier cut-off (keep rows longer), never a later one.

create or replace function confidant_job_purge(p_done_before timestamptz, p_failed_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with d as (
    delete from public.jobs
     where (state = 'done' and finished_at < least(p_done_before, now() - interval '7 days'))
        or (state = 'failed' and finished_at < least(p_failed_before, now() - interval '30 days'))
    returning 1
  ) select count(*) from d
$$;
alter function confidant_job_purge(timestamptz, timestamptz) owner to confidant_definer;
revoke execute on function confidant_job_purge(timestamptz, timestamptz) from public;
grant execute on function confidant_job_purge(timestamptz, timestamptz) to confidant_app;

create or replace function confidant_auth_throttle_purge(p_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with c as (select least(p_before, now() - interval '1 day') as before),
  d as (
    delete from public.auth_throttle t using c
    where t.last_failure_at < c.before and (t.blocked_until is null or t.blocked_until < c.before)
    returning 1
  ) select count(*) from d
$$;
alter function confidant_auth_throttle_purge(timestamptz) owner to confidant_definer;
revoke execute on function confidant_auth_throttle_purge(timestamptz) from public;
grant execute on function confidant_auth_throttle_purge(timestamptz) to confidant_app;

create or replace function confidant_idempotency_purge(p_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with d as (
    delete from public.idempotency_keys where created_at <= least(p_before, now() - interval '24 hours') returning 1
  ) select count(*) from d
$$;
alter function confidant_idempotency_purge(timestamptz) owner to confidant_definer;
revoke execute on function confidant_idempotency_purge(timestamptz) from public;
grant execute on function confidant_idempotency_purge(timestamptz) to confidant_app;

-- An export's expiry was fixed by the app when it was made; only "now" came from the caller.
create or replace function confidant_export_purge(p_now timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with c as (
    delete from public.contact_export_chunks k using public.contact_exports e
    where k.workspace_id = e.workspace_id and k.export_id = e.id and e.expires_at <= least(p_now, now())
    returning 1
  ), e as (delete from public.contact_exports where expires_at <= least(p_now, now()) returning 1)
  select count(*) from e
$$;
alter function confidant_export_purge(timestamptz) owner to confidant_definer;
revoke execute on function confidant_export_purge(timestamptz) from public;
grant execute on function confidant_export_purge(timestamptz) to confidant_app;
