-- The read budget's window, counted as it goes (issue #15 point 11;
-- docs/reading-many-people.md "How the window is counted").
--
-- confidant_record_read (0018) counted the actor's whole rolling hour
-- (count(*) over read_ledger) on every audited read, so each read of an hour
-- cost more than the one before: 50,000 distinct people into the hour, one
-- more read scanned 50,000 index entries. Now each (actor, minute) keeps how
-- many of the actor's ledger rows were last read in that minute. A read moves
-- its people into the current minute (taking them out of the minute they were
-- last read in, if any), and the window is the sum of at most 61 minutes: the
-- cost of a read follows its own size, never the window's.
--
-- The window's edge moves a minute at a time: a person counts from their last
-- read until the end of the minute that began an hour after it — between 60
-- and 61 minutes, never less than an hour, so no one reads more than the
-- budget in any 60 minutes. The invariant is exact: for every actor and
-- minute, people = the ledger rows of that actor last read in that minute
-- (a test checks it after many reads across window edges).

create table read_window_counts (
  workspace_id uuid not null references workspaces (id),
  actor_key text not null check (actor_key ~ '^(user|token):[0-9a-f-]{36}$'),
  minute timestamptz not null,
  people int not null check (people >= 0),
  primary key (workspace_id, actor_key, minute)
);
create index read_window_counts_age on read_window_counts (minute);
select confidant_enable_tenancy('read_window_counts', 'select, insert, update');
select confidant_grant_cross_workspace('read_window_counts', 'confidant_definer', 'select, delete');

-- The owner runs this migration; FORCE ROW LEVEL SECURITY would hide every row from it.
alter table read_ledger no force row level security;
alter table read_window_counts no force row level security;
insert into read_window_counts (workspace_id, actor_key, minute, people)
  select workspace_id, actor_key, date_bin('1 minute', last_read_at, timestamptz '2000-01-01 00:00:00+00'), count(*)::int
  from read_ledger group by 1, 2, 3;
alter table read_ledger force row level security;
alter table read_window_counts force row level security;

-- Same signature and guarantees as 0018: serialized per actor by a
-- transaction-scoped advisory lock, budget from the workspace's settings,
-- nothing written for a refused read, the ids-only audit row appended in the
-- same call. p_since is the exact start of the hour; the window starts at the
-- beginning of its minute. n_before and n_after are null when the count was
-- not needed: the actor may exceed the budget and owners were already alerted
-- about them within the hour, so no alert could follow from it.
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
  v_origin constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
  v_minute timestamptz := date_bin('1 minute', p_now, v_origin);
  v_edge timestamptz := date_bin('1 minute', p_since, v_origin);
  v_ids uuid[];
  v_known_minutes timestamptz[];
  v_new int;
  v_moving int;
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

  select coalesce(array_agg(distinct s), '{}') into v_ids from unnest(p_subject_ids) s;
  -- The minute each of this read's people was last read in, if the ledger has them
  -- (primary-key probes: this read's size, not the window's).
  select coalesce(array_agg(date_bin('1 minute', l.last_read_at, v_origin)), '{}') into v_known_minutes
    from read_ledger l
    where l.workspace_id = v_ws and l.actor_key = p_actor_key and l.subject_id = any(v_ids);
  select cardinality(v_ids) - count(*)::int into v_new from unnest(v_known_minutes) m where m >= v_edge;

  if p_may_exceed and exists (
    select 1 from read_alerts a where a.workspace_id = v_ws and a.actor_key = p_actor_key and a.alerted_at > p_since
  ) then
    v_before := null;
    v_after := null;
  else
    select coalesce(sum(c.people), 0)::int into v_before
      from read_window_counts c
      where c.workspace_id = v_ws and c.actor_key = p_actor_key and c.minute >= v_edge;
    v_after := v_before + v_new;
  end if;

  if p_may_exceed or v_after <= v_budget then
    -- People move from the minute of their last read into this one. A row
    -- already in a later minute (another process's clock ahead of this one)
    -- stays where it is, as its last_read_at does below.
    update read_window_counts c set people = c.people - m.n
      from (select k as minute, count(*)::int as n from unnest(v_known_minutes) k where k < v_minute group by k) m
      where c.workspace_id = v_ws and c.actor_key = p_actor_key and c.minute = m.minute;
    select cardinality(v_ids) - count(*)::int into v_moving from unnest(v_known_minutes) k where k >= v_minute;
    if v_moving > 0 then
      insert into read_window_counts (workspace_id, actor_key, minute, people)
        values (v_ws, p_actor_key, v_minute, v_moving)
        on conflict (workspace_id, actor_key, minute) do update set people = read_window_counts.people + excluded.people;
    end if;
    insert into read_ledger (workspace_id, actor_key, subject_id, last_read_at)
      select v_ws, p_actor_key, s, p_now from unnest(v_ids) s
      on conflict (workspace_id, actor_key, subject_id)
        do update set last_read_at = greatest(read_ledger.last_read_at, excluded.last_read_at);
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

-- Housekeeping across workspaces (the hourly job), cut off by the database's
-- own clock (issue #15 point 6): the caller no longer names the cut-off, so
-- the app role cannot empty every workspace's ledger by passing a date in the
-- future. Five minutes past the hour (whole minutes, so a minute's count and
-- its ledger rows go together) leave room for an app clock a little ahead of
-- the database's.
drop function confidant_read_ledger_purge(timestamptz);
create function confidant_read_ledger_purge()
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with cut as (select date_bin('1 minute', now() - interval '65 minutes', timestamptz '2000-01-01 00:00:00+00') as t),
       l as (delete from public.read_ledger where last_read_at < (select t from cut) returning 1),
       c as (delete from public.read_window_counts where minute < (select t from cut) returning 1),
       a as (delete from public.read_alerts where alerted_at < (select t from cut) returning 1)
  select (select count(*) from l) + (select count(*) from c) + (select count(*) from a)
$$;
alter function confidant_read_ledger_purge() owner to confidant_definer;
revoke execute on function confidant_read_ledger_purge() from public;
grant execute on function confidant_read_ledger_purge() to confidant_app;
