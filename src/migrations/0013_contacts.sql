-- Contacts: the data subjects of the CRM (DESIGN.md data rule 2, docs/crm-contacts.md).

-- One row per person. Every personal field (names, emails, phones, address,
-- bio, tags, source, non-special custom fields ...) is sealed in ONE JSON
-- record under the person's own data key (subject_keys), whose subject id is
-- the contact id: one AES-GCM call per write instead of one per field, and
-- erasure is deleting that key. Special-category custom field values (GDPR
-- Art. 9) are sealed apart in `special`, so a list never has to open them and
-- reading them is its own permission and audit purpose. The record version is
-- bound into both ciphertexts' associated data and bumped on every write, so
-- an older ciphertext cannot be copied back over a newer one.
-- Only metadata is in clear: who owns the contact, its company, the lawful
-- basis, times and creator. Nothing here names the person.
create table contacts (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  record_version integer not null default 1 check (record_version >= 1),
  record bytea not null,
  special bytea,
  owner_id uuid,
  company_id uuid,
  lawful_basis text not null check (lawful_basis in
    ('consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  created_by uuid,
  primary key (workspace_id, id),
  foreign key (workspace_id, owner_id) references users (workspace_id, id) on delete set null (owner_id),
  foreign key (workspace_id, created_by) references users (workspace_id, id) on delete set null (created_by),
  foreign key (workspace_id, company_id) references companies (workspace_id, id) on delete set null (company_id)
);
-- Big lists sort only by plaintext metadata (the database cannot sort ciphertext):
-- each sort has its keyset index, the id breaking ties.
create index contacts_created on contacts (workspace_id, created_at, id);
create index contacts_updated on contacts (workspace_id, updated_at, id);
create index contacts_owner on contacts (workspace_id, owner_id, id);
create index contacts_company on contacts (workspace_id, company_id);
select confidant_enable_tenancy('contacts');

-- Blind lookups of a contact: 1 email (32-bit HMAC of the normalized address),
-- 2 phone (32-bit of the E.164 number), 3 search token (20-bit HMAC of a word
-- prefix of length 2, 3, 4 or 6), 4 tag (32-bit of the lower-cased tag).
-- Truncated on purpose: values collide, so equal values in a database copy say
-- less about who is who, and every candidate is re-checked after decryption.
-- The primary key serves the lookups in contact id order (the search's page
-- order); the second index replaces or removes one contact's rows.
create table contact_lookup (
  workspace_id uuid not null,
  kind smallint not null check (kind between 1 and 4),
  value bytea not null,
  contact_id uuid not null,
  primary key (workspace_id, kind, value, contact_id),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade
);
create index contact_lookup_contact on contact_lookup (workspace_id, contact_id);
select confidant_enable_tenancy('contact_lookup');
