-- Background jobs: one table shared by every worker process, claimed with
-- FOR UPDATE SKIP LOCKED so any number of workers share it without running a
-- job twice.
--
-- Not a tenant table (listed in NON_TENANT_TABLES): claiming crosses
-- workspaces and some jobs belong to no workspace (the audit chainer, key
-- rotation reminders), so workspace_id is nullable. The app role has NO
-- privilege on it; every read and write goes through the SECURITY DEFINER
-- functions below, owned by confidant_definer (DESIGN.md data rule 1).
-- The payload holds ids only, never personal data: the table is readable by
-- operators and shows up in `confidant jobs` listings.
-- No foreign key to workspaces: a job may outlive a closing workspace, and a
-- non-distributed table cannot reference a distributed one under Citus.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  payload jsonb not null default '{}'::jsonb,
  workspace_id uuid,
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  run_at timestamptz not null default now(),
  recur_seconds integer check (recur_seconds > 0),
  dedupe_key text check (length(dedupe_key) <= 200),
  locked_by text,
  locked_until timestamptz,
  last_error text check (length(last_error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((state = 'running') = (locked_by is not null and locked_until is not null))
);
revoke all on jobs from public;
alter table jobs owner to confidant_definer;

create index jobs_due on jobs (run_at, id) where state = 'queued';
create index jobs_lease on jobs (locked_until) where state = 'running';
create index jobs_finished on jobs (finished_at) where state in ('done', 'failed');
create index jobs_state_kind on jobs (state, kind);
-- One pending (queued or running) job per dedupe key: what keeps a recurring
-- job single across processes, and an enqueue idempotent.
create unique index jobs_dedupe on jobs (dedupe_key) where state in ('queued', 'running');

-- Adds a job in the caller's transaction, so it exists only if the caller's
-- work commits. A workspace job can only be queued from that workspace's
-- transaction. Returns null when a pending job already holds the dedupe key.
create or replace function confidant_job_enqueue(
  p_kind text, p_payload jsonb, p_workspace_id uuid, p_run_at timestamptz,
  p_max_attempts integer, p_dedupe_key text, p_recur_seconds integer
) returns uuid
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_id uuid;
begin
  if p_workspace_id is not null and p_workspace_id is distinct from public.confidant_current_workspace() then
    raise exception 'a workspace job must be queued in that workspace''s transaction' using errcode = '42501';
  end if;
  insert into public.jobs (kind, payload, workspace_id, run_at, max_attempts, dedupe_key, recur_seconds)
  values (p_kind, coalesce(p_payload, '{}'::jsonb), p_workspace_id, coalesce(p_run_at, now()),
          coalesce(p_max_attempts, 5), p_dedupe_key, p_recur_seconds)
  on conflict (dedupe_key) where state in ('queued', 'running') do nothing
  returning id into v_id;
  return v_id;
end $$;
alter function confidant_job_enqueue(text, jsonb, uuid, timestamptz, integer, text, integer) owner to confidant_definer;

-- Keeps exactly one pending instance of a recurring kind: inserts it if none
-- is pending, and follows a changed interval.
create or replace function confidant_job_schedule(p_kind text, p_every_seconds integer, p_now timestamptz)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
begin
  update public.jobs set recur_seconds = p_every_seconds
   where dedupe_key = 'recurring:' || p_kind and state in ('queued', 'running')
     and recur_seconds is distinct from p_every_seconds;
  insert into public.jobs (kind, run_at, dedupe_key, recur_seconds, created_at, updated_at)
  values (p_kind, p_now, 'recurring:' || p_kind, p_every_seconds, p_now, p_now)
  on conflict (dedupe_key) where state in ('queued', 'running') do nothing;
end $$;
alter function confidant_job_schedule(text, integer, timestamptz) owner to confidant_definer;

-- The next instance of a recurring job once this one has ended (internal).
create or replace function confidant_job_successor(p_job jobs, p_now timestamptz)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
begin
  if p_job.recur_seconds is null then return; end if;
  insert into public.jobs (kind, payload, workspace_id, max_attempts, recur_seconds, dedupe_key, run_at, created_at, updated_at)
  values (p_job.kind, p_job.payload, p_job.workspace_id, p_job.max_attempts, p_job.recur_seconds, p_job.dedupe_key,
          p_now + make_interval(secs => p_job.recur_seconds), p_now, p_now)
  on conflict (dedupe_key) where state in ('queued', 'running') do nothing;
end $$;
alter function confidant_job_successor(jobs, timestamptz) owner to confidant_definer;

-- Claims up to p_limit due jobs of the given kinds for one worker: queued jobs
-- whose time has come, and running jobs whose worker's lease ran out (it
-- crashed or hung). SKIP LOCKED lets concurrent claimers pass each other's
-- rows instead of waiting, and never hands one row to two of them.
create or replace function confidant_job_claim(
  p_worker text, p_now timestamptz, p_lease_seconds integer, p_limit integer, p_kinds text[]
) returns table (id uuid, kind text, payload jsonb, workspace_id uuid, attempts integer, max_attempts integer)
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with due as (
    select j.id from public.jobs j
    where j.kind = any (p_kinds)
      and ((j.state = 'queued' and j.run_at <= p_now) or (j.state = 'running' and j.locked_until < p_now))
    order by j.run_at, j.id
    limit least(greatest(p_limit, 1), 100)
    for update skip locked
  )
  update public.jobs j
     set state = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         locked_until = p_now + make_interval(secs => p_lease_seconds), updated_at = p_now
    from due
   where j.id = due.id
  returning j.id, j.kind, j.payload, j.workspace_id, j.attempts, j.max_attempts
$$;
alter function confidant_job_claim(text, timestamptz, integer, integer, text[]) owner to confidant_definer;

-- Marks a claimed job done, if this worker still holds it (a worker whose
-- lease ran out and was overtaken gets false and changes nothing).
create or replace function confidant_job_complete(p_id uuid, p_worker text, p_now timestamptz)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_job public.jobs;
begin
  update public.jobs
     set state = 'done', locked_by = null, locked_until = null, last_error = null, finished_at = p_now, updated_at = p_now
   where jobs.id = p_id and jobs.state = 'running' and jobs.locked_by = p_worker
  returning * into v_job;
  if not found then return false; end if;
  perform public.confidant_job_successor(v_job, p_now);
  return true;
end $$;
alter function confidant_job_complete(uuid, text, timestamptz) owner to confidant_definer;

-- Records a failed attempt: back to queued at p_retry_at, or failed for good
-- after the last attempt (or when p_permanent). Returns the new state, or
-- null if this worker no longer holds the job.
create or replace function confidant_job_fail(
  p_id uuid, p_worker text, p_now timestamptz, p_error text, p_retry_at timestamptz, p_permanent boolean
) returns text
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_job public.jobs;
begin
  update public.jobs
     set state = case when p_permanent or jobs.attempts >= jobs.max_attempts then 'failed' else 'queued' end,
         run_at = case when p_permanent or jobs.attempts >= jobs.max_attempts then jobs.run_at else p_retry_at end,
         finished_at = case when p_permanent or jobs.attempts >= jobs.max_attempts then p_now end,
         last_error = left(p_error, 500), locked_by = null, locked_until = null, updated_at = p_now
   where jobs.id = p_id and jobs.state = 'running' and jobs.locked_by = p_worker
  returning * into v_job;
  if not found then return null; end if;
  if v_job.state = 'failed' then perform public.confidant_job_successor(v_job, p_now); end if;
  return v_job.state;
end $$;
alter function confidant_job_fail(uuid, text, timestamptz, text, timestamptz, boolean) owner to confidant_definer;

-- Extends the lease of jobs a live worker is still running.
create or replace function confidant_job_heartbeat(p_ids uuid[], p_worker text, p_until timestamptz)
returns integer
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with u as (
    update public.jobs set locked_until = greatest(locked_until, p_until)
     where id = any (p_ids) and state = 'running' and locked_by = p_worker
    returning 1
  ) select count(*)::integer from u
$$;
alter function confidant_job_heartbeat(uuid[], text, timestamptz) owner to confidant_definer;

-- Job state for operators (CLI, metrics). Inside a workspace's transaction it
-- shows only that workspace's jobs; outside (system) it shows all.
create or replace function confidant_job_list(p_state text, p_kind text, p_limit integer)
returns table (
  id uuid, kind text, payload jsonb, workspace_id uuid, state text, attempts integer, max_attempts integer,
  run_at timestamptz, locked_by text, locked_until timestamptz, last_error text,
  created_at timestamptz, updated_at timestamptz, finished_at timestamptz
)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select j.id, j.kind, j.payload, j.workspace_id, j.state, j.attempts, j.max_attempts, j.run_at, j.locked_by,
         j.locked_until, j.last_error, j.created_at, j.updated_at, j.finished_at
    from public.jobs j
   where (p_state is null or j.state = p_state) and (p_kind is null or j.kind = p_kind)
     and (public.confidant_current_workspace() is null or j.workspace_id = public.confidant_current_workspace())
   order by j.created_at desc, j.id
   limit least(greatest(coalesce(p_limit, 100), 1), 1000)
$$;
alter function confidant_job_list(text, text, integer) owner to confidant_definer;

create or replace function confidant_job_counts()
returns table (kind text, state text, n bigint)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select j.kind, j.state, count(*) from public.jobs j
   where public.confidant_current_workspace() is null or j.workspace_id = public.confidant_current_workspace()
   group by j.kind, j.state order by j.kind, j.state
$$;
alter function confidant_job_counts() owner to confidant_definer;

-- Puts a failed job back in the queue with fresh attempts (an operator's
-- "retry"). False if it is not failed, or a pending twin holds its dedupe key.
create or replace function confidant_job_retry(p_id uuid, p_now timestamptz)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
begin
  update public.jobs
     set state = 'queued', attempts = 0, run_at = p_now, finished_at = null, updated_at = p_now
   where jobs.id = p_id and jobs.state = 'failed'
     and (public.confidant_current_workspace() is null or jobs.workspace_id = public.confidant_current_workspace());
  return found;
exception when unique_violation then
  return false;
end $$;
alter function confidant_job_retry(uuid, timestamptz) owner to confidant_definer;

-- Forgets finished jobs: done ones soon, failed ones after operators had time to look.
create or replace function confidant_job_purge(p_done_before timestamptz, p_failed_before timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with d as (
    delete from public.jobs
     where (state = 'done' and finished_at < p_done_before) or (state = 'failed' and finished_at < p_failed_before)
    returning 1
  ) select count(*) from d
$$;
alter function confidant_job_purge(timestamptz, timestamptz) owner to confidant_definer;

revoke execute on function
  confidant_job_enqueue(text, jsonb, uuid, timestamptz, integer, text, integer),
  confidant_job_schedule(text, integer, timestamptz),
  confidant_job_successor(jobs, timestamptz),
  confidant_job_claim(text, timestamptz, integer, integer, text[]),
  confidant_job_complete(uuid, text, timestamptz),
  confidant_job_fail(uuid, text, timestamptz, text, timestamptz, boolean),
  confidant_job_heartbeat(uuid[], text, timestamptz),
  confidant_job_list(text, text, integer),
  confidant_job_counts(),
  confidant_job_retry(uuid, timestamptz),
  confidant_job_purge(timestamptz, timestamptz)
from public;
grant execute on function
  confidant_job_enqueue(text, jsonb, uuid, timestamptz, integer, text, integer),
  confidant_job_schedule(text, integer, timestamptz),
  confidant_job_claim(text, timestamptz, integer, integer, text[]),
  confidant_job_complete(uuid, text, timestamptz),
  confidant_job_fail(uuid, text, timestamptz, text, timestamptz, boolean),
  confidant_job_heartbeat(uuid[], text, timestamptz),
  confidant_job_list(text, text, integer),
  confidant_job_counts(),
  confidant_job_retry(uuid, timestamptz),
  confidant_job_purge(timestamptz, timestamptz)
to confidant_app;
