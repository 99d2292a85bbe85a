-- The mail outbox: every message the app sends waits here until the SMTP
-- peer accepts it, so a failed send is retried (by its `mail.send` job) and
-- never lost.
--
-- A tenant table. Addresses, subject and body are personal data, so the whole
-- envelope and body live in one sealed payload (AES-256-GCM under the data
-- subject's key, or the workspace key for staff mail): erasing the person
-- makes their queued mail unreadable too. The payload is dropped once sent.
-- last_error holds an SMTP status and reason code only, never an address.
create table mail_outbox (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  subject_id uuid,
  job_id uuid,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'discarded')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz,
  last_error text check (length(last_error) <= 500),
  payload bytea,
  record_version integer not null default 1 check (record_version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (workspace_id, id),
  -- Sent or discarded mail keeps no payload; mail still to send always has one.
  check ((status in ('queued', 'failed')) = (payload is not null))
);
create index mail_outbox_pending on mail_outbox (workspace_id, status, created_at) where status in ('queued', 'failed');
-- Erasure finds the queued mail about a person by id.
create index mail_outbox_subject on mail_outbox (workspace_id, subject_id) where subject_id is not null;
select confidant_enable_tenancy('mail_outbox', 'select, insert, update, delete');
