-- Password reset links and the brute-force counters of sign-in, 2FA, recovery
-- codes, password reset and invitations.

-- A password reset link: the mail holds a random 256-bit token, the table only
-- its SHA-256, so a database copy cannot be replayed as a link. Single use
-- (used_at) and short-lived (expires_at, at most one hour after created_at).
create table password_resets (
  workspace_id uuid not null,
  id uuid not null,
  user_id uuid not null,
  token_hash bytea not null unique check (length(token_hash) = 32),
  created_at timestamptz not null,
  expires_at timestamptz not null check (expires_at <= created_at + interval '1 hour'),
  used_at timestamptz,
  primary key (workspace_id, id),
  foreign key (workspace_id, user_id) references users (workspace_id, id) on delete cascade
);
create index password_resets_user on password_resets (workspace_id, user_id);
select confidant_enable_tenancy('password_resets');
select confidant_grant_cross_workspace('password_resets', 'confidant_definer', 'select');

-- Link -> workspace, crossing workspaces: the link carries no workspace. It
-- only finds the row; consuming it (a conditional update) happens in the
-- workspace's own transaction, under row-level security.
create or replace function confidant_password_reset_lookup(p_hash bytea)
returns table (workspace_id uuid, reset_id uuid)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select r.workspace_id, r.id from public.password_resets r
  join public.workspaces w on w.id = r.workspace_id
  where r.token_hash = p_hash and w.status = 'active'
$$;
alter function confidant_password_reset_lookup(bytea) owner to confidant_definer;

-- Failed-attempt counters, shared by every app process. Not a tenant table
-- (listed in NON_TENANT_TABLES): an attempt on an unknown workspace or email
-- must be counted like any other, and counting must not reveal which is
-- which. Keys are HMACs (key ring purpose 'auth-throttle') of the scope, the
-- typed account and the client address: never a raw email or IP. The app role
-- has no privilege on it; it goes through the functions below.
create table auth_throttle (
  key bytea primary key check (length(key) = 32),
  failures integer not null check (failures >= 0),
  blocked_until timestamptz,
  last_failure_at timestamptz not null
);
revoke all on auth_throttle from public;
alter table auth_throttle owner to confidant_definer;
create index auth_throttle_last_failure on auth_throttle (last_failure_at);

-- When the keys may try again: the latest blocked_until among them in the
-- future, or null when none is backing off.
create or replace function confidant_auth_throttle_check(p_keys bytea[], p_now timestamptz)
returns timestamptz
language sql stable security definer set search_path = pg_catalog, public
as $$
  select max(t.blocked_until) from public.auth_throttle t
  where t.key = any (p_keys) and t.blocked_until > p_now
$$;
alter function confidant_auth_throttle_check(bytea[], timestamptz) owner to confidant_definer;

-- Counts one failure. After p_free failures each further one doubles the wait
-- from p_base_seconds up to p_max_seconds: a slow-down, never a lock-out. A key
-- quiet for p_forget_seconds starts again from zero.
create or replace function confidant_auth_throttle_fail(
  p_key bytea, p_now timestamptz, p_free integer, p_base_seconds integer, p_max_seconds integer, p_forget_seconds integer
) returns timestamptz
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_failures integer;
  v_until timestamptz;
begin
  insert into public.auth_throttle as t (key, failures, last_failure_at) values (p_key, 1, p_now)
  on conflict (key) do update
    set failures = case when t.last_failure_at < p_now - make_interval(secs => p_forget_seconds) then 1
                        else least(t.failures + 1, 1000000) end,
        last_failure_at = greatest(t.last_failure_at, p_now)
  returning t.failures into v_failures;
  if v_failures > p_free then
    v_until := p_now + make_interval(secs => least(p_max_seconds::float8,
                 p_base_seconds * power(2::float8, least(v_failures - p_free - 1, 30))));
    update public.auth_throttle set blocked_until = greatest(blocked_until, v_until) where key = p_key;
  end if;
  return v_until;
end $$;
alter function confidant_auth_throttle_fail(bytea, timestamptz, integer, integer, integer, integer) owner to confidant_definer;

-- A success forgets the counter of that key.
create or replace function confidant_auth_throttle_success(p_key bytea)
returns void
language sql volatile security definer set search_path = pg_catalog, public
as $$ delete from public.auth_throttle where key = p_key $$;
alter function confidant_auth_throttle_success(bytea) owner to confidant_definer;

-- Housekeeping: counters nobody has touched since p_before (a periodic job).
create or replace function confidant_auth_throttle_purge(p_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with d as (
    delete from public.auth_throttle
    where last_failure_at < p_before and (blocked_until is null or blocked_until < p_before)
    returning 1
  ) select count(*) from d
$$;
alter function confidant_auth_throttle_purge(timestamptz) owner to confidant_definer;

revoke execute on function
  confidant_password_reset_lookup(bytea),
  confidant_auth_throttle_check(bytea[], timestamptz),
  confidant_auth_throttle_fail(bytea, timestamptz, integer, integer, integer, integer),
  confidant_auth_throttle_success(bytea),
  confidant_auth_throttle_purge(timestamptz)
from public;
grant execute on function
  confidant_password_reset_lookup(bytea),
  confidant_auth_throttle_check(bytea[], timestamptz),
  confidant_auth_throttle_fail(bytea, timestamptz, integer, integer, integer, integer),
  confidant_auth_throttle_success(bytea),
  confidant_auth_throttle_purge(timestamptz)
to confidant_app;
