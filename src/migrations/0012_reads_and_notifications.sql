-- Reads of personal data: the read budget (THREATS.md "Reading many people",
-- actor C) and in-app notifications to members.

-- Who has read whom in the last hour: one row per (actor, person), refreshed on
-- every read, so "distinct people in the rolling hour" is a count of rows with
-- a recent last_read_at. actor_key is 'user:<uuid>' or 'token:<uuid>': a
-- token's reads count under the token, not its maker. Ids only; rows older
-- than an hour mean nothing and a job deletes them.
create table read_ledger (
  workspace_id uuid not null references workspaces (id),
  actor_key text not null check (actor_key ~ '^(user|token):[0-9a-f-]{36}$'),
  subject_id uuid not null,
  last_read_at timestamptz not null,
  primary key (workspace_id, actor_key, subject_id)
);
create index read_ledger_window on read_ledger (workspace_id, actor_key, last_read_at);
create index read_ledger_age on read_ledger (last_read_at);
select confidant_enable_tenancy('read_ledger', 'select, insert, update');
select confidant_grant_cross_workspace('read_ledger', 'confidant_definer', 'select, delete');

-- When owners and the DPO were last told that an actor passed the budget:
-- at most one alert per actor per hour, however many pages follow.
create table read_alerts (
  workspace_id uuid not null references workspaces (id),
  actor_key text not null check (actor_key ~ '^(user|token):[0-9a-f-]{36}$'),
  alerted_at timestamptz not null,
  primary key (workspace_id, actor_key)
);
create index read_alerts_age on read_alerts (alerted_at);
select confidant_enable_tenancy('read_alerts', 'select, insert, update');
select confidant_grant_cross_workspace('read_alerts', 'confidant_definer', 'select, delete');

-- In-app notices to a member. payload holds ids and counts, never personal
-- values (the mail that goes with a notice carries the readable text, sealed
-- in the outbox). A removed member's notices go with them.
create table notifications (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  user_id uuid not null,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null,
  read_at timestamptz,
  primary key (workspace_id, id),
  foreign key (workspace_id, user_id) references users (workspace_id, id) on delete cascade
);
create index notifications_inbox on notifications (workspace_id, user_id, created_at desc, id desc);
select confidant_enable_tenancy('notifications', 'select, insert, update');

-- Housekeeping across workspaces (an hourly job): ledger and alert rows older
-- than p_before no longer count towards any budget.
create or replace function confidant_read_ledger_purge(p_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with l as (delete from public.read_ledger where last_read_at < p_before returning 1),
       a as (delete from public.read_alerts where alerted_at < p_before returning 1)
  select (select count(*) from l) + (select count(*) from a)
$$;
alter function confidant_read_ledger_purge(timestamptz) owner to confidant_definer;
revoke execute on function confidant_read_ledger_purge(timestamptz) from public;
grant execute on function confidant_read_ledger_purge(timestamptz) to confidant_app;
