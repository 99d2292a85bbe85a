-- Sessions, API tokens and what the auth hook needs to know of a member.

alter table users
  add column status text not null default 'active' check (status in ('active', 'disabled')),
  add column totp_secret bytea,
  add column totp_enrolled_at timestamptz,
  add column totp_last_step bigint,
  add column last_seen_at timestamptz;

-- A browser session. The cookie holds a random 256-bit value; only its
-- SHA-256 is stored, so a database copy cannot be replayed as a cookie.
-- stage: 'totp' = password passed, second factor pending; 'full' = signed in.
create table sessions (
  workspace_id uuid not null,
  id uuid not null,
  token_hash bytea not null unique check (length(token_hash) = 32),
  user_id uuid not null,
  stage text not null check (stage in ('totp', 'full')),
  csrf_token text not null,
  client_label text,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, user_id) references users (workspace_id, id) on delete cascade
);
create index sessions_user on sessions (workspace_id, user_id);
select confidant_enable_tenancy('sessions');
select confidant_grant_cross_workspace('sessions', 'confidant_definer', 'select');
select confidant_grant_cross_workspace('users', 'confidant_definer', 'select');

-- An API token: shown once, stored as SHA-256. created_by is the member who
-- made it, or null for the operator (CLI). Its scopes can never exceed its
-- maker's permissions: the auth hook intersects them on every request.
create table api_tokens (
  workspace_id uuid not null,
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  token_hash bytea not null unique check (length(token_hash) = 32),
  scopes text[] not null,
  created_by uuid,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (workspace_id, id),
  foreign key (workspace_id, created_by) references users (workspace_id, id) on delete cascade
);
create unique index api_tokens_name on api_tokens (workspace_id, name) where revoked_at is null;
create index api_tokens_maker on api_tokens (workspace_id, created_by);
select confidant_enable_tenancy('api_tokens');
select confidant_grant_cross_workspace('api_tokens', 'confidant_definer', 'select');

-- Cookie -> session, crossing workspaces: the cookie carries no workspace.
-- Returns what the auth hook decides with, and nothing personal.
create or replace function confidant_session_lookup(p_hash bytea)
returns table (
  workspace_id uuid, session_id uuid, user_id uuid, stage text, csrf_token text,
  created_at timestamptz, last_seen_at timestamptz, expires_at timestamptz,
  role text, user_status text, totp_enrolled boolean, workspace_status text, require_2fa_for_all boolean
)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select s.workspace_id, s.id, s.user_id, s.stage, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
         u.role, u.status, u.totp_enrolled_at is not null, w.status,
         coalesce((w.settings ->> 'require2faForAll')::boolean, false)
  from public.sessions s
  join public.users u on u.workspace_id = s.workspace_id and u.id = s.user_id
  join public.workspaces w on w.id = s.workspace_id
  where s.token_hash = p_hash
$$;
alter function confidant_session_lookup(bytea) owner to confidant_definer;

-- Bearer token -> token, crossing workspaces. The maker's current role and
-- status come along so that a demoted or removed maker's tokens stop at once.
create or replace function confidant_token_lookup(p_hash bytea)
returns table (
  workspace_id uuid, token_id uuid, scopes text[], created_by uuid, expires_at timestamptz,
  revoked_at timestamptz, last_used_at timestamptz, maker_role text, maker_status text, workspace_status text
)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select t.workspace_id, t.id, t.scopes, t.created_by, t.expires_at, t.revoked_at, t.last_used_at,
         u.role, u.status, w.status
  from public.api_tokens t
  left join public.users u on u.workspace_id = t.workspace_id and u.id = t.created_by
  join public.workspaces w on w.id = t.workspace_id
  where t.token_hash = p_hash
$$;
alter function confidant_token_lookup(bytea) owner to confidant_definer;

revoke execute on function confidant_session_lookup(bytea), confidant_token_lookup(bytea) from public;
grant execute on function confidant_session_lookup(bytea), confidant_token_lookup(bytea) to confidant_app;
