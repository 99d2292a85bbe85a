-- Companies and the workspace's custom field definitions (CRM core).

-- A company (organisation). Its name, domain, website, address, notes... are
-- sealed as ONE JSON record under the workspace key: a company is not one data
-- subject, yet its fields can name people (a sole trader's name, a contact in
-- the notes), so nothing of it is kept in clear (DESIGN.md data rule 2). The
-- record version is bound into the ciphertext's associated data and bumped on
-- every change, so an old record cannot be copied back.
-- name_bidx is a truncated blind index of the normalized name, for exact
-- lookup and de-duplication: collisions are expected, so it is not unique and
-- candidates are re-checked after decryption. owner_id goes null when the
-- member's row goes (the column list keeps workspace_id).
create table companies (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  record_version integer not null default 1 check (record_version >= 1),
  record bytea not null,
  name_bidx bytea not null,
  owner_id uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, owner_id) references users (workspace_id, id) on delete set null (owner_id)
);
create index companies_name_bidx on companies (workspace_id, name_bidx);
create index companies_created on companies (workspace_id, created_at, id);
create index companies_updated on companies (workspace_id, updated_at, id);
create index companies_owner on companies (workspace_id, owner_id);
select confidant_enable_tenancy('companies');

-- Word-prefix search tokens of a company's name: blind tokens (20-bit HMAC
-- truncations, so many names share a token and a database copy cannot confirm
-- a guessed name), re-checked after decryption. No primary key of its own: a
-- company has a set of tokens, replaced whole when its name changes.
create table company_tokens (
  workspace_id uuid not null,
  company_id uuid not null,
  token bytea not null,
  foreign key (workspace_id, company_id) references companies (workspace_id, id) on delete cascade
);
create index company_tokens_token on company_tokens (workspace_id, token);
create index company_tokens_company on company_tokens (workspace_id, company_id);
select confidant_enable_tenancy('company_tokens');

-- A custom field definition. The definition is not personal data (the values,
-- kept with contacts, are). A special-category field (GDPR Art. 9) needs a
-- recorded legal ground (Art. 9(2)) and who recorded it; the check keeps a
-- database edit from making one without. Archived fields stay so old values
-- keep their meaning; the key stays taken.
create table custom_fields (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  key text not null check (key ~ '^[a-z][a-zA-Z0-9_]{0,62}$'),
  label text not null check (length(label) between 1 and 200),
  type text not null check (type in ('text', 'number', 'date', 'select', 'multi_select', 'boolean', 'email', 'url')),
  options jsonb,
  data_category text not null check (data_category in
    ('identity', 'contact', 'professional', 'location', 'online_identifier', 'behavioural', 'special_category')),
  legal_ground text check (legal_ground is null or length(legal_ground) between 1 and 2000),
  legal_ground_recorded_by uuid,
  created_at timestamptz not null,
  archived_at timestamptz,
  primary key (workspace_id, id),
  unique (workspace_id, key),
  foreign key (workspace_id, legal_ground_recorded_by) references users (workspace_id, id) on delete set null (legal_ground_recorded_by),
  check (data_category <> 'special_category' or legal_ground is not null)
);
select confidant_enable_tenancy('custom_fields');
