-- Blind terms on the contact's own row (docs/crm-contacts.md "Indexes").
--
-- Search tokens, tags and country move from contact_lookup (one B-tree row per
-- value, ≈ 25 per person, each with a foreign-key check) to one bigint[] per
-- contact under a GIN index: an import of a million people inserts a million
-- arrays instead of 25 million rows (docs/performance.md). A term packs the
-- workspace tag (first 16 bits of its id), the kind (3 token, 4 tag, 5 country)
-- and the 32-bit blind value: tag << 36 | kind << 32 | value. contact_lookup
-- keeps the exact lookups (1 email, 2 phone), read in contact id order.
--
-- Tags and country keep their HMAC values, so their rows convert here. Tokens
-- change function (AES-CMAC of the prefix: block-prf.ts), which SQL cannot
-- compute: their rows are dropped and a `contacts.reindex` job per workspace
-- with contacts recomputes every term from the decrypted records (search by
-- name finds those contacts again once it ran).
--
-- contact_lookup loses its foreign key to contacts: the check cost more than
-- the insert itself (a KEY SHARE lock on the contact per lookup row). Every
-- path that deletes a contact deletes its lookup rows in the same transaction
-- (contacts/mutate.ts deleteContact; tests assert none remain).

-- The owner runs this migration; FORCE ROW LEVEL SECURITY would hide every row from it.
alter table contacts no force row level security;
alter table contact_lookup no force row level security;

alter table contacts add column terms bigint[] not null default '{}';

update contacts c set terms = t.terms
from (
  select l.workspace_id, l.contact_id,
    array_agg(distinct (('x' || left(l.workspace_id::text, 4))::bit(16)::bigint << 36)
      | (l.kind::bigint << 32)
      | ('x' || rpad(encode(l.value, 'hex'), 8, '0'))::bit(32)::bigint) as terms
  from contact_lookup l
  where l.kind in (4, 5)
  group by l.workspace_id, l.contact_id
) t
where c.workspace_id = t.workspace_id and c.id = t.contact_id;

insert into jobs (kind, payload, workspace_id)
select distinct 'contacts.reindex', '{}'::jsonb, l.workspace_id from contact_lookup l where l.kind = 3;

delete from contact_lookup where kind in (3, 4, 5);
alter table contact_lookup drop constraint contact_lookup_kind_check;
alter table contact_lookup add constraint contact_lookup_kind_check check (kind in (1, 2));
alter table contact_lookup drop constraint if exists contact_lookup_workspace_id_contact_id_fkey;

-- fastupdate (the default) queues new entries and merges them in bulk: the
-- cheap way to index a bulk load as it lands.
create index contacts_terms on contacts using gin (terms);

alter table contacts force row level security;
alter table contact_lookup force row level security;
