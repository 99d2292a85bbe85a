-- Housekeeping for Idempotency-Key records (docs/crm-segments-and-merge.md):
-- a row older than 24 hours no longer answers, so an hourly job deletes it in
-- every workspace. The rows are tenant rows under row-level security: the
-- purge crosses workspaces through this SECURITY DEFINER function only, and
-- the definer may only select and delete them.
create index idempotency_keys_created on idempotency_keys (created_at);
select confidant_grant_cross_workspace('idempotency_keys', 'confidant_definer', 'select, delete');

create or replace function confidant_idempotency_purge(p_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with d as (delete from public.idempotency_keys where created_at <= p_before returning 1)
  select count(*) from d
$$;
alter function confidant_idempotency_purge(timestamptz) owner to confidant_definer;
revoke execute on function confidant_idempotency_purge(timestamptz) from public;
grant execute on function confidant_idempotency_purge(timestamptz) to confidant_app;
