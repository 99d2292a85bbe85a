-- Workspace settings that hold personal data, and invitations of new members.

-- The DPO's name and email are published on the workspace's public pages (GDPR
-- Art. 13(1)(b) requires it), yet they are a natural person's data: sealed
-- under the workspace key like every other personal field, so a database copy
-- and the plaintext scan find no name or address in clear. The record version
-- is bound into the ciphertext's associated data and bumped on every change,
-- so an old value cannot be copied back.
alter table workspaces
  add column dpo_ciphertext bytea,
  add column dpo_record_version integer not null default 1 check (dpo_record_version >= 1);

-- An invitation: a single-use link mailed to the invitee. Only the SHA-256 of
-- the 256-bit token is stored (a database copy cannot accept an invitation);
-- the email is sealed under the workspace key. invited_by cascades: when the
-- inviter's row goes, so do the invitations they sent.
create table invitations (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  token_hash bytea not null unique check (length(token_hash) = 32),
  email_ciphertext bytea not null,
  role text not null check (role in ('owner', 'admin', 'dpo', 'sales', 'support', 'auditor')),
  invited_by uuid,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_user_id uuid,
  revoked_at timestamptz,
  record_version integer not null default 1 check (record_version >= 1),
  primary key (workspace_id, id),
  foreign key (workspace_id, invited_by) references users (workspace_id, id) on delete cascade
);
create index invitations_inviter on invitations (workspace_id, invited_by);
select confidant_enable_tenancy('invitations');
select confidant_grant_cross_workspace('invitations', 'confidant_definer', 'select');

-- Invitation link -> (workspace, invitation), crossing workspaces: the link
-- carries no workspace. Returns ids only; the caller then works inside the
-- workspace (row-level security applies) and checks use and expiry there,
-- under a row lock, so two concurrent accepts cannot both succeed.
create or replace function confidant_invitation_lookup(p_hash bytea)
returns table (workspace_id uuid, invitation_id uuid)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select i.workspace_id, i.id from public.invitations i where i.token_hash = p_hash
$$;
alter function confidant_invitation_lookup(bytea) owner to confidant_definer;

revoke execute on function confidant_invitation_lookup(bytea) from public;
grant execute on function confidant_invitation_lookup(bytea) to confidant_app;
