-- Staff accounts (the minimal table the identity module extends) and the
-- one-time first-run setup token.

-- A member of a workspace. The email is personal data: sealed under the
-- workspace key, found through a truncated blind index (collisions expected,
-- so duplicates are re-checked after decryption and the index is not unique).
create table users (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  email_ciphertext bytea not null,
  email_bidx bytea not null,
  password_hash text not null,
  role text not null check (role in ('owner', 'admin', 'dpo', 'sales', 'support', 'auditor')),
  record_version integer not null default 1 check (record_version >= 1),
  created_at timestamptz not null default now(),
  primary key (workspace_id, id)
);
create index users_email_bidx on users (workspace_id, email_bidx);
select confidant_enable_tenancy('users');

-- Instance-level, not a tenant table: it exists only before the first
-- workspace. The app role has no privilege on it; it reaches it only through
-- the functions below, which store and compare SHA-256 digests, never tokens.
create table setup_tokens (
  token_hash bytea primary key check (length(token_hash) = 32),
  created_at timestamptz not null default now()
);
revoke all on setup_tokens from public;
alter table setup_tokens owner to confidant_definer;

-- Replaces any earlier token (each start prints a fresh link and the old one
-- dies). Refuses once a workspace exists, so setup cannot be reopened.
create or replace function confidant_setup_token_issue(p_hash bytea)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
begin
  perform pg_advisory_xact_lock(7301190006);
  if exists (select 1 from public.workspaces) then
    delete from public.setup_tokens;
    return false;
  end if;
  delete from public.setup_tokens;
  insert into public.setup_tokens (token_hash) values (p_hash);
  return true;
end $$;
alter function confidant_setup_token_issue(bytea) owner to confidant_definer;

-- Consumes the token in the caller's transaction (the one that creates the
-- workspace): true only for the current token while no workspace exists. The
-- advisory lock orders two concurrent attempts; the loser finds the row gone.
-- Equality on a SHA-256 digest of a 256-bit secret leaks nothing a timing
-- attacker can use: they cannot choose the digest's prefix.
create or replace function confidant_setup_token_consume(p_hash bytea)
returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_found boolean;
begin
  perform pg_advisory_xact_lock(7301190006);
  if exists (select 1 from public.workspaces) then
    return false;
  end if;
  delete from public.setup_tokens t where t.token_hash = p_hash returning true into v_found;
  return coalesce(v_found, false);
end $$;
alter function confidant_setup_token_consume(bytea) owner to confidant_definer;

-- Setup is finished for good: drop whatever token is left (the CLI path).
create or replace function confidant_setup_token_clear()
returns void
language sql volatile security definer set search_path = pg_catalog, public
as $$ delete from public.setup_tokens $$;
alter function confidant_setup_token_clear() owner to confidant_definer;

revoke execute on function confidant_setup_token_issue(bytea), confidant_setup_token_consume(bytea), confidant_setup_token_clear() from public;
grant execute on function confidant_setup_token_issue(bytea), confidant_setup_token_consume(bytea), confidant_setup_token_clear() to confidant_app;
