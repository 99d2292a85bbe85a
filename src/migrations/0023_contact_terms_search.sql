-- Blind-term search under row-level security (docs/crm-contacts.md "Indexes").
--
-- The GIN index of contacts.terms answers `terms @> …`, but `@>` (arraycontains)
-- is not LEAKPROOF, and PostgreSQL never lets a condition that is not leakproof
-- use an index ahead of a row-level-security policy: run as the app role, a
-- rare word's search walked every contact of the workspace in id order (≈ 0.5 s
-- at a million; a common word still found its first page at once). This
-- function does the GIN lookup as confidant_definer, whose only policy on
-- contacts is `true`, and returns ids of the calling transaction's workspace
-- only (confidant_current_workspace(), never an argument), at most p_cap (null:
-- all). The caller then reads those rows under row-level security as usual.
-- EXECUTE plans the lookup with the values (a bitmap scan of the posting lists).
select confidant_grant_cross_workspace('contacts', 'confidant_definer', 'select');

create or replace function confidant_contacts_holding(p_terms bigint[], p_cap integer)
returns setof uuid
language plpgsql stable security definer set search_path = pg_catalog, public
as $$
declare
  v_ws uuid := public.confidant_current_workspace();
begin
  if v_ws is null or p_terms is null or cardinality(p_terms) = 0 then
    return;
  end if;
  return query execute
    'select c.id from public.contacts c where c.workspace_id = $1 and c.terms @> $2 limit $3'
    using v_ws, p_terms, p_cap;
end $$;
alter function confidant_contacts_holding(bigint[], integer) owner to confidant_definer;
revoke all on function confidant_contacts_holding(bigint[], integer) from public;
grant execute on function confidant_contacts_holding(bigint[], integer) to confidant_app;
