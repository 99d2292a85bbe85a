-- Segments, the country lookup, and Idempotency-Key records
-- (docs/crm-segments-and-merge.md).

-- Lookup kind 5: the blind index (32-bit HMAC) of a contact's normalized
-- country, so a segment can test "country is" without decrypting anyone.
-- Rows are written with the contact and rebuilt by the contacts re-indexer on
-- a key rotation like the other kinds; contacts written before this migration
-- get theirs at the next rotation (or their next update).
alter table contact_lookup drop constraint contact_lookup_kind_check;
alter table contact_lookup add constraint contact_lookup_kind_check check (kind between 1 and 5);

-- A saved set of conditions over contacts; its members are computed live.
-- The definition (name and rules) is sealed under the workspace's own data key:
-- it names no one in general, but an "email equals" rule holds an address, and
-- a name is free text. Only metadata is in clear.
create table segments (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  record_version integer not null default 1 check (record_version >= 1),
  definition bytea not null,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, created_by) references users (workspace_id, id) on delete set null (created_by)
);
create index segments_created on segments (workspace_id, created_at, id);
select confidant_enable_tenancy('segments');

-- One row per (actor, Idempotency-Key) of a create: a keyed hash (HMAC
-- under the workspace key) of the route and body — never the body, which
-- holds personal data — and the created resource's id and status. A replay
-- re-reads the resource through the route, so it is audited as a read like
-- any other. The row is claimed (resource_id null) before the create, in the
-- create's transaction: a concurrent request with the same key waits on the
-- primary key and then replays; a failed create leaves no row. Rows older
-- than 24 hours no longer answer and are replaced when their key comes again.
create table idempotency_keys (
  workspace_id uuid not null references workspaces (id),
  actor_key text not null check (actor_key ~ '^(user|token):[0-9a-f-]{36}$'),
  key text not null check (char_length(key) between 1 and 255),
  request_hash bytea not null,
  status smallint not null,
  resource_id uuid,
  created_at timestamptz not null,
  primary key (workspace_id, actor_key, key)
);
create index idempotency_keys_age on idempotency_keys (workspace_id, created_at);
select confidant_enable_tenancy('idempotency_keys', 'select, insert, update, delete');
