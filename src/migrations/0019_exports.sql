-- Contact exports (docs/exports.md, THREATS.md "Personal data outside the
-- tables"): the export file lives in the database as sealed chunks under the
-- workspace key, never in clear; it downloads for 24 hours, then an hourly job
-- deletes it. The row itself holds ids, counts and times only.
create table contact_exports (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  format text not null check (format in ('csv', 'json')),
  segment_id uuid,
  actor_type text not null check (actor_type in ('user', 'token')),
  actor_id uuid not null,
  row_count integer not null check (row_count >= 0),
  chunk_count integer not null check (chunk_count >= 0),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (workspace_id, id)
);
create index contact_exports_expiry on contact_exports (expires_at);
select confidant_enable_tenancy('contact_exports', 'select, insert, update');
select confidant_grant_cross_workspace('contact_exports', 'confidant_definer', 'select, delete');

-- The file, in order: chunk seq is bound into each chunk's associated data, so
-- chunks cannot be reordered or moved between exports.
create table contact_export_chunks (
  workspace_id uuid not null,
  export_id uuid not null,
  seq integer not null check (seq >= 0),
  body bytea not null,
  primary key (workspace_id, export_id, seq),
  foreign key (workspace_id, export_id) references contact_exports (workspace_id, id) on delete cascade
);
select confidant_enable_tenancy('contact_export_chunks', 'select, insert');
select confidant_grant_cross_workspace('contact_export_chunks', 'confidant_definer', 'select, delete');

-- Housekeeping across workspaces (hourly): expired exports and their chunks.
create or replace function confidant_export_purge(p_now timestamptz)
returns bigint
language sql volatile security definer set search_path = pg_catalog, public
as $$
  with c as (
    delete from public.contact_export_chunks k using public.contact_exports e
    where k.workspace_id = e.workspace_id and k.export_id = e.id and e.expires_at <= p_now
    returning 1
  ), e as (delete from public.contact_exports where expires_at <= p_now returning 1)
  select count(*) from e
$$;
alter function confidant_export_purge(timestamptz) owner to confidant_definer;
revoke execute on function confidant_export_purge(timestamptz) from public;
grant execute on function confidant_export_purge(timestamptz) to confidant_app;
