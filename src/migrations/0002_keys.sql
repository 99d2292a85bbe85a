-- Key hierarchy (docs/encryption.md): master key of epoch e (outside the database)
-- -> workspace key of version e -> subject data keys -> fields.
--
-- Wrapped keys only: every value here is AES-256-GCM ciphertext whose associated
-- data binds its workspace, its id and the version of the key that wraps it, so
-- a row copied into another place or another version does not open.

-- One row per workspace and epoch. Two rows only while a rotation runs; the old
-- one is deleted when every subject key is re-wrapped under the new one.
create table workspace_keys (
  workspace_id uuid not null references workspaces (id),
  version integer not null check (version > 0),
  wrapped bytea not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, version)
);
-- The column-level update grant exists only so the app can take row locks
-- (FOR KEY SHARE) that order blind-index writes against a rotation.
select confidant_enable_tenancy('workspace_keys', 'select, insert, delete, update (created_at)');

-- Deliberately narrow (no timestamps, no payload besides the key) so that shredded
-- keys leave few dead tuples and a VACUUM reclaims their pages soon.
-- subject_id = workspace_id is the workspace's own data key (fields of no person).
-- The foreign key keeps a workspace key from being deleted while a subject key
-- still depends on it: a half-done rotation cannot lose data.
create table subject_keys (
  workspace_id uuid not null,
  subject_id uuid not null,
  ws_version integer not null,
  wrapped bytea not null,
  primary key (workspace_id, subject_id),
  foreign key (workspace_id, ws_version) references workspace_keys (workspace_id, version)
);
create index subject_keys_ws_version on subject_keys (workspace_id, ws_version);
select confidant_enable_tenancy('subject_keys', 'select, insert, update, delete');

-- The forget list: ids only, never personal data. Also appended to a file beside
-- the key ring so that a restored older database learns of later erasures.
create table forgotten_subjects (
  workspace_id uuid not null references workspaces (id),
  subject_id uuid not null,
  forgotten_at timestamptz not null default now(),
  primary key (workspace_id, subject_id)
);
select confidant_enable_tenancy('forgotten_subjects', 'select, insert');
