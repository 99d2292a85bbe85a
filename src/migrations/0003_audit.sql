-- The audit trail: append-only events, hash-chained per workspace (docs/audit.md).
--
-- The app inserts events in the transaction of what they record (no lock, no
-- chain head touched). A chainer gives them a gapless seq, prev_hash and hash a
-- moment later through confidant_audit_chain(), owned by confidant_chainer: the
-- only role that may set those columns. A trigger freezes chained rows.

create table audit_events (
  workspace_id uuid not null references workspaces (id),
  id bigint generated always as identity,
  seq bigint,
  -- millisecond precision so the value read back is exactly the one hashed
  at timestamptz(3) not null default now(),
  action text not null check (action ~ '^[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}$'),
  actor_type text not null check (actor_type in ('user', 'token', 'operator', 'system', 'public')),
  actor_id uuid,
  subject_ids uuid[] not null default '{}',
  purpose text check (purpose ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  details jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object'),
  request_id text check (request_id ~ '^[A-Za-z0-9._:-]{1,128}$'),
  prev_hash bytea,
  hash bytea,
  primary key (workspace_id, id),
  constraint audit_events_chained_together check (
    (seq is null and prev_hash is null and hash is null)
    or (seq >= 1 and octet_length(prev_hash) = 32 and octet_length(hash) = 32)
  )
);
create unique index audit_events_seq on audit_events (workspace_id, seq);
-- "who has seen this person": subject ids are globally unique UUIDs, so the
-- array index alone is selective (btree_gin would be needed to add workspace_id).
create index audit_events_subjects on audit_events using gin (subject_ids);
create index audit_events_actor on audit_events (workspace_id, actor_id, id) where actor_id is not null;
-- the chainer's work queue and the backlog metric read only the unchained tail
create index audit_events_unchained on audit_events (workspace_id, id) where seq is null;

-- Only the columns a caller may choose: id, at, seq and the hashes are not the app's.
select confidant_enable_tenancy('audit_events', 'select');
grant insert (workspace_id, action, actor_type, actor_id, subject_ids, purpose, details, request_id)
  on audit_events to confidant_app;
-- The backlog metric counts every workspace's tail; chaining itself stays in one workspace.
select confidant_grant_cross_workspace('audit_events', 'confidant_chainer', 'select, update (seq, prev_hash, hash)');

-- One row per workspace: the last chained (seq, hash). Chainers lock it, so two
-- of them never fork a chain.
create table audit_chain_heads (
  workspace_id uuid not null references workspaces (id),
  seq bigint not null check (seq >= 0),
  hash bytea not null check (octet_length(hash) = 32),
  updated_at timestamptz not null default now(),
  primary key (workspace_id)
);
select confidant_enable_tenancy('audit_chain_heads', 'select');
grant select, insert, update on audit_chain_heads to confidant_chainer;

-- Freezes chained rows even for the owner (only disabling the trigger gets past
-- it, and verify catches what follows). Unchained rows may only be chained, by
-- the chainer, changing nothing but seq and the hashes.
create or replace function confidant_audit_guard() returns trigger
language plpgsql set search_path = pg_catalog, public
as $$
begin
  if tg_op = 'INSERT' then
    if new.seq is not null or new.prev_hash is not null or new.hash is not null then
      raise exception 'audit events are chained only by the chainer' using errcode = '42501';
    end if;
    return new;
  elsif tg_op = 'DELETE' or tg_op = 'TRUNCATE' then
    raise exception 'audit events are append-only' using errcode = '42501';
  end if;
  if old.seq is not null then
    raise exception 'audit event % is chained and frozen', old.seq using errcode = '42501';
  end if;
  if current_user <> 'confidant_chainer' or new.seq is null
     or (new.workspace_id, new.id, new.at, new.action, new.actor_type, new.actor_id,
         new.subject_ids, new.purpose, new.details, new.request_id)
        is distinct from
        (old.workspace_id, old.id, old.at, old.action, old.actor_type, old.actor_id,
         old.subject_ids, old.purpose, old.details, old.request_id) then
    raise exception 'an unchained audit event may only be chained, by the chainer' using errcode = '42501';
  end if;
  return new;
end $$;
create trigger audit_events_guard before insert or update or delete on audit_events
  for each row execute function confidant_audit_guard();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function confidant_audit_guard();

-- Locks this workspace's chain head (creating it at seq 0) and returns it.
-- Called first in a chainer transaction so concurrent chainers queue here
-- instead of hashing the same events twice.
create or replace function confidant_audit_lock_head()
returns table (seq bigint, hash bytea)
language plpgsql security definer set search_path = pg_catalog, public
as $$
declare ws uuid := confidant_current_workspace();
begin
  if ws is null then raise exception 'no workspace set' using errcode = '42501'; end if;
  insert into public.audit_chain_heads (workspace_id, seq, hash)
    values (ws, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
    on conflict (workspace_id) do nothing;
  return query select h.seq, h.hash from public.audit_chain_heads h where h.workspace_id = ws for update;
end $$;

-- Chains unchained events of the current workspace: p_ids[i] gets seq
-- p_head_seq + i and hash p_hashes[i] (computed by Node over the event's RFC 8785
-- encoding). Refuses unless the caller hashed from the current head, so the
-- chain stays gapless and linked whatever the caller does; ids must ascend.
create or replace function confidant_audit_chain(p_head_seq bigint, p_head_hash bytea, p_ids bigint[], p_hashes bytea[])
returns bigint
language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  ws uuid := confidant_current_workspace();
  head record;
  n int := coalesce(array_length(p_ids, 1), 0);
  updated int;
begin
  if ws is null then raise exception 'no workspace set' using errcode = '42501'; end if;
  if n = 0 then return p_head_seq; end if;
  if n <> coalesce(array_length(p_hashes, 1), 0) then raise exception 'ids and hashes differ in length'; end if;
  select h.seq, h.hash into head from public.audit_chain_heads h where h.workspace_id = ws for update;
  if not found or head.seq <> p_head_seq or head.hash <> p_head_hash then
    raise exception 'audit chain head moved' using errcode = '40001';
  end if;
  if exists (select 1 from unnest(p_ids) with ordinality a(id, i)
             join unnest(p_ids) with ordinality b(id, i) on b.i = a.i + 1 where b.id <= a.id)
     or exists (select 1 from unnest(p_hashes) x where octet_length(x) is distinct from 32) then
    raise exception 'chain batch must have ascending ids and 32-byte hashes';
  end if;
  update public.audit_events e
     set seq = p_head_seq + v.i,
         prev_hash = case when v.i = 1 then p_head_hash else p_hashes[(v.i - 1)::int] end,
         hash = v.h
    from unnest(p_ids, p_hashes) with ordinality as v(id, h, i)
   where e.workspace_id = ws and e.id = v.id and e.seq is null;
  get diagnostics updated = row_count;
  if updated <> n then raise exception 'audit chain batch names events that are not unchained' using errcode = '40001'; end if;
  update public.audit_chain_heads set seq = p_head_seq + n, hash = p_hashes[n], updated_at = now()
   where workspace_id = ws;
  return p_head_seq + n;
end $$;

-- The backlog across workspaces, for a metric: how many events wait, and since when.
create or replace function confidant_audit_unchained()
returns table (unchained bigint, oldest_at timestamptz, oldest_age_seconds double precision)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select count(*), min(e.at), extract(epoch from now() - min(e.at))::double precision
  from public.audit_events e where e.seq is null
$$;

alter function confidant_audit_lock_head() owner to confidant_chainer;
alter function confidant_audit_chain(bigint, bytea, bigint[], bytea[]) owner to confidant_chainer;
alter function confidant_audit_unchained() owner to confidant_chainer;
revoke execute on function confidant_audit_lock_head(), confidant_audit_chain(bigint, bytea, bigint[], bytea[]),
  confidant_audit_unchained() from public;
grant execute on function confidant_audit_lock_head(), confidant_audit_chain(bigint, bytea, bigint[], bytea[]),
  confidant_audit_unchained() to confidant_app;
