-- Pipelines, deals, notes and tasks (docs/crm-deals-notes-tasks.md).
--
-- Text written about a person (a deal's title and description, a note, a task's
-- title) is sealed under that person's data key, so erasing the person
-- (crypto-shredding) makes it unreadable everywhere at once; text tied to no
-- person is sealed under the workspace key (DESIGN.md data rule 2).
-- `subject_id` says which key sealed a row's text: it is kept when the contact
-- row goes (contact_id is set null), so a list can tell "erased" from "no
-- person" without trying keys. It is an id, never a personal value.

-- A pipeline and its ordered stages. Names are workspace vocabulary ("Sales",
-- "Won"), not personal data, so they are in clear.
create table pipelines (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  position integer not null default 0,
  created_at timestamptz not null,
  primary key (workspace_id, id)
);
select confidant_enable_tenancy('pipelines');

create table pipeline_stages (
  workspace_id uuid not null,
  id uuid not null,
  pipeline_id uuid not null,
  name text not null check (length(name) between 1 and 200),
  position integer not null default 0,
  probability smallint not null default 0 check (probability between 0 and 100),
  kind text not null default 'open' check (kind in ('open', 'won', 'lost')),
  primary key (workspace_id, id),
  -- (workspace_id, pipeline_id, id) lets deals check that a stage belongs to their pipeline.
  unique (workspace_id, pipeline_id, id),
  foreign key (workspace_id, pipeline_id) references pipelines (workspace_id, id) on delete cascade
);
select confidant_enable_tenancy('pipeline_stages');

-- A deal: amounts, dates and references in clear (boards sort and sum them);
-- title and description in `record`. A stage still holding deals cannot go
-- (restrict): the caller moves them first.
create table deals (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  pipeline_id uuid not null,
  stage_id uuid not null,
  amount_cents bigint,
  currency text check (currency is null or currency ~ '^[A-Z]{3}$'),
  expected_close date,
  owner_id uuid,
  company_id uuid,
  contact_id uuid,
  subject_id uuid,
  position integer not null default 0,
  record_version integer not null default 1 check (record_version >= 1),
  record bytea not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  stage_changed_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, pipeline_id, stage_id) references pipeline_stages (workspace_id, pipeline_id, id),
  foreign key (workspace_id, owner_id) references users (workspace_id, id) on delete set null (owner_id),
  foreign key (workspace_id, company_id) references companies (workspace_id, id) on delete set null (company_id),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete set null (contact_id)
);
create index deals_board on deals (workspace_id, pipeline_id, stage_id, position, id);
create index deals_contact on deals (workspace_id, contact_id);
create index deals_owner on deals (workspace_id, owner_id);
select confidant_enable_tenancy('deals');

-- A note about one contact (sealed under their key; erased with them: the rows
-- go with the contact row) or about one company (workspace key).
create table notes (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  contact_id uuid,
  company_id uuid,
  author_id uuid,
  record_version integer not null default 1 check (record_version >= 1),
  body bytea not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (workspace_id, id),
  check ((contact_id is null) <> (company_id is null)),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, company_id) references companies (workspace_id, id) on delete cascade,
  foreign key (workspace_id, author_id) references users (workspace_id, id) on delete set null (author_id)
);
create index notes_contact on notes (workspace_id, contact_id, created_at);
create index notes_company on notes (workspace_id, company_id, created_at);
select confidant_enable_tenancy('notes');

-- A task: its title sealed like a deal's. A task outlives its contact (the
-- title then reads as erased) and its deal (deal_id set null).
create table tasks (
  workspace_id uuid not null references workspaces (id),
  id uuid not null,
  contact_id uuid,
  subject_id uuid,
  deal_id uuid,
  assignee_id uuid,
  due_at timestamptz,
  done_at timestamptz,
  record_version integer not null default 1 check (record_version >= 1),
  record bytea not null,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete set null (contact_id),
  foreign key (workspace_id, deal_id) references deals (workspace_id, id) on delete set null (deal_id),
  foreign key (workspace_id, assignee_id) references users (workspace_id, id) on delete set null (assignee_id),
  foreign key (workspace_id, created_by) references users (workspace_id, id) on delete set null (created_by)
);
create index tasks_assignee on tasks (workspace_id, assignee_id, due_at, id);
create index tasks_contact on tasks (workspace_id, contact_id);
create index tasks_due on tasks (workspace_id, due_at, id);
select confidant_enable_tenancy('tasks');
