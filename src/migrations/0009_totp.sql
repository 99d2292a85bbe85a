-- Two-factor authentication (TOTP, RFC 6238) and its recovery codes.
--
-- users.totp_secret (0007) holds the confirmed secret, sealed by the vault.
-- totp_version is the record version bound into the sealed secret's
-- associated data: it moves on with every enrolment, so an older ciphertext
-- written back by someone with write access to the database no longer opens,
-- and it is independent of record_version, which belongs to the sealed email.
-- totp_pending is a secret shown at enrolment but not yet confirmed with a
-- code (sealed under totp_version + 1); it lapses after totp_pending_at + 15 min.
alter table users
  add column totp_version integer not null default 0 check (totp_version >= 0),
  add column totp_pending bytea,
  add column totp_pending_at timestamptz;

-- Single-use recovery codes. A code is 20 base32 characters (100 bits); the
-- first four are stored as a lookup prefix, so 80 bits stay secret. Only a
-- SHA-256 of the whole code is kept: the code is random, so a slow hash would
-- add nothing but a way to make the server burn CPU. A used code is deleted.
create table recovery_codes (
  workspace_id uuid not null,
  id uuid not null,
  user_id uuid not null,
  prefix text not null check (prefix ~ '^[a-z2-7]{4}$'),
  code_hash bytea not null check (length(code_hash) = 32),
  created_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, user_id) references users (workspace_id, id) on delete cascade
);
create index recovery_codes_lookup on recovery_codes (workspace_id, user_id, prefix);
select confidant_enable_tenancy('recovery_codes', 'select, insert, delete');
