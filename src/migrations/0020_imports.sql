-- Contact imports (docs/imports.md, API.md "Contacts"). An upload is stored as
-- sealed chunks under the workspace key (import_chunks kind 1) and deleted
-- when the import ends; the error file (line, column, reason code, never a
-- value) is sealed the same way (kind 2), one chunk per batch, written in the
-- batch's transaction. The import row holds counters and the physical line of
-- the first record not yet committed (resume_line): a crashed run starts again
-- there. The options (mapping, lawful basis, source) are sealed too. Ids,
-- counters and codes only in clear.
create table imports (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  status text not null check (status in ('uploading', 'queued', 'running', 'done', 'failed')),
  options bytea,
  duplicates text not null default 'skip' check (duplicates in ('skip', 'update', 'create')),
  actor_type text not null,
  actor_id uuid,
  resume_line bigint not null default 2,
  processed integer not null default 0,
  created integer not null default 0,
  updated integer not null default 0,
  skipped integer not null default 0,
  rejected integer not null default 0,
  error_code text,
  created_at timestamptz not null,
  finished_at timestamptz,
  primary key (workspace_id, id)
);
select confidant_enable_tenancy('imports');

create table import_chunks (
  workspace_id uuid not null,
  import_id uuid not null,
  kind smallint not null check (kind in (1, 2)),
  seq integer not null,
  data bytea not null,
  primary key (workspace_id, import_id, kind, seq),
  foreign key (workspace_id, import_id) references imports (workspace_id, id) on delete cascade
);
select confidant_enable_tenancy('import_chunks');
