-- Roles, the tenancy helpers every module uses, and the workspace registry.
--
-- confidant_app      the login role the application runs as (not owner, not
--                    superuser, no BYPASSRLS): row-level security applies to it.
-- confidant_definer  owns the few SECURITY DEFINER functions that must cross
--                    workspaces (slug lookup, sessions, tokens, jobs, rotation).
-- confidant_chainer  owns the audit chainer's functions: the only role that may
--                    set an audit event's seq and hash.
-- Roles are cluster-wide, so creating them tolerates a concurrent creator.
do $$ begin
  create role confidant_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
exception when duplicate_object or unique_violation then null; end $$;
do $$ begin
  create role confidant_definer nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
exception when duplicate_object or unique_violation then null; end $$;
do $$ begin
  create role confidant_chainer nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
exception when duplicate_object or unique_violation then null; end $$;

-- The owner must be a member of the function-owning roles to hand functions to them.
do $$ begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    execute format('grant confidant_definer, confidant_chainer to %I', current_user);
  end if;
end $$;

revoke create on schema public from public;
grant usage on schema public to confidant_app, confidant_definer, confidant_chainer;

-- The current workspace of this transaction, or null (then tenant rows are invisible).
create or replace function confidant_current_workspace() returns uuid
language sql stable
as $$ select nullif(current_setting('app.workspace_id', true), '')::uuid $$;

-- Turns on forced row-level security for a tenant table and grants the app role.
create or replace function confidant_enable_tenancy(
  p_table regclass,
  p_app_privileges text default 'select, insert, update, delete',
  p_column name default 'workspace_id'
) returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security', p_table);
  execute format('alter table %s force row level security', p_table);
  execute format(
    'create policy tenant_isolation on %s using (%I = confidant_current_workspace()) with check (%I = confidant_current_workspace())',
    p_table, p_column, p_column);
  if p_app_privileges <> '' then
    execute format('grant %s on %s to confidant_app', p_app_privileges, p_table);
  end if;
end $$;

-- Lets one of the function-owning roles see a tenant table across workspaces.
create or replace function confidant_grant_cross_workspace(
  p_table regclass, p_role name, p_privileges text
) returns void language plpgsql as $$
begin
  execute format('grant %s on %s to %I', p_privileges, p_table, p_role);
  execute format('create policy %I on %s to %I using (true) with check (true)', p_role || '_access', p_table, p_role);
end $$;

create table workspaces (
  id uuid primary key,
  slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  name text not null check (length(name) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'closing')),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
select confidant_enable_tenancy('workspaces', 'select, insert, update', 'id');
select confidant_grant_cross_workspace('workspaces', 'confidant_definer', 'select');
select confidant_grant_cross_workspace('workspaces', 'confidant_chainer', 'select');

-- slug -> workspace, for sign-in and public pages. Returns the fewest columns.
create or replace function confidant_workspace_by_slug(p_slug text)
returns table (id uuid, status text)
language sql stable security definer set search_path = pg_catalog, public
as $$ select w.id, w.status from public.workspaces w where w.slug = p_slug $$;
alter function confidant_workspace_by_slug(text) owner to confidant_definer;

-- Whether first-run setup is still open (no workspace exists).
create or replace function confidant_workspace_count()
returns bigint
language sql stable security definer set search_path = pg_catalog, public
as $$ select count(*) from public.workspaces $$;
alter function confidant_workspace_count() owner to confidant_definer;

-- Every workspace id: for jobs that visit each workspace in turn (chainer, rotation).
create or replace function confidant_workspace_ids()
returns setof uuid
language sql stable security definer set search_path = pg_catalog, public
as $$ select w.id from public.workspaces w order by w.created_at, w.id $$;
alter function confidant_workspace_ids() owner to confidant_definer;

revoke execute on function confidant_workspace_by_slug(text), confidant_workspace_count(), confidant_workspace_ids() from public;
grant execute on function confidant_workspace_by_slug(text), confidant_workspace_count(), confidant_workspace_ids() to confidant_app;
revoke execute on function confidant_enable_tenancy(regclass, text, name), confidant_grant_cross_workspace(regclass, name, text) from public;
