-- Re-tokening a company's contacts after a rename (docs/crm-contacts.md
-- "Company names in search"). Contacts are searchable by the words of their
-- company's name through 20-bit blind tokens in contact_lookup; a rename makes
-- those tokens stale, so the contacts module rewrites them in batches from a
-- job. This row is the job's progress: the rename sets it (generation + 1,
-- after_id null), each batch moves after_id on only if the generation it read
-- still holds, and the last batch deletes it. A crashed job resumes from
-- after_id; a rename during a run starts the run over. Ids only.
create table contact_company_retoken (
  workspace_id uuid not null,
  company_id uuid not null,
  generation bigint not null default 1,
  after_id uuid,
  requested_at timestamptz not null,
  primary key (workspace_id, company_id),
  foreign key (workspace_id, company_id) references companies (workspace_id, id) on delete cascade
);
select confidant_enable_tenancy('contact_company_retoken');

-- A company's contacts in id order, a batch at a time (the re-token job's
-- keyset); it serves every use of the two-column index it replaces.
create index contacts_company_id on contacts (workspace_id, company_id, id);
drop index contacts_company;
