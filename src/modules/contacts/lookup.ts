/**
 * Writing the blind indexes of contacts (indexes.ts computes them): with a
 * create or update, and again for every contact when a key rotation derives
 * new index keys or a company is renamed.
 */
import type { Vault } from '../../platform/crypto/index.js';
import type { Trx } from '../../platform/db/database.js';
import { getCompanyNames } from './deps.js';
import { indexersFromKeys, indexesOf, INDEX_NAMES, type ContactIndexes, type Indexers } from './indexes.js';
import { contactRowsAfter, deleteAllLookupRows, deleteLookupRows, insertLookupRows, updateTerms, type LookupRow } from './queries.js';
import { openRecords, type ContactRecord } from './record.js';

export { INDEXES, TOKEN_INDEX, INDEX_NAMES, countryOf, indexersFromKeys, indexesOf, type ContactIndexes, type Indexers, type IndexKind } from './indexes.js';

/** The index functions of the current key version. */
export async function indexers(trx: Trx, vault: Vault, workspaceId: string): Promise<Indexers> {
  return indexersFromKeys(await vault.bulkKeys(trx, workspaceId, INDEX_NAMES));
}

export function lookupRowsOf(workspaceId: string, contactId: string, indexes: ContactIndexes): LookupRow[] {
  return indexes.lookups.map((l) => ({ workspace_id: workspaceId, kind: l.kind, value: l.value, contact_id: contactId }));
}

export interface Indexable {
  id: string;
  record: ContactRecord;
  companyId: string | null;
}

/** The blind values of these contacts (their companies' names fetched once). */
export async function computeIndexes(trx: Trx, vault: Vault, workspaceId: string, contacts: readonly Indexable[]): Promise<Map<string, ContactIndexes>> {
  const out = new Map<string, ContactIndexes>();
  if (contacts.length === 0) return out;
  const ix = await indexers(trx, vault, workspaceId);
  const companyIds = [...new Set(contacts.map((c) => c.companyId).filter((id): id is string => id !== null))];
  const names = companyIds.length > 0 ? await getCompanyNames(trx, vault, workspaceId, companyIds) : new Map<string, string>();
  for (const c of contacts) out.set(c.id, indexesOf(ix, c.record, c.companyId ? (names.get(c.companyId) ?? null) : null));
  return out;
}

/** Replaces the lookup rows of existing contacts (an update, a re-index); their terms go with the row. */
export async function replaceLookups(trx: Trx, workspaceId: string, indexes: ReadonlyMap<string, ContactIndexes>): Promise<void> {
  await deleteLookupRows(trx, workspaceId, [...indexes.keys()]);
  await insertLookupRows(trx, [...indexes].flatMap(([id, ix]) => lookupRowsOf(workspaceId, id, ix)));
}

/** Writes computed lookups and terms of existing contacts whose lookup rows are gone. */
async function storeIndexes(trx: Trx, workspaceId: string, indexes: ReadonlyMap<string, ContactIndexes>): Promise<void> {
  await insertLookupRows(trx, [...indexes].flatMap(([id, ix]) => lookupRowsOf(workspaceId, id, ix)));
  await updateTerms(trx, workspaceId, [...indexes].map(([id, ix]) => ({ id, terms: ix.terms })));
}

/** Recomputes and rewrites every blind value of existing contacts (company re-token). */
export async function rewriteIndexes(trx: Trx, vault: Vault, workspaceId: string, contacts: readonly Indexable[]): Promise<void> {
  const indexes = await computeIndexes(trx, vault, workspaceId, contacts);
  await deleteLookupRows(trx, workspaceId, [...indexes.keys()]);
  await storeIndexes(trx, workspaceId, indexes);
}

const REINDEX_BATCH = 500;

/**
 * A rotation derives new index keys: every blind value is recomputed from the
 * decrypted records under the current version (one transaction per workspace;
 * lookups span both versions until the old key goes).
 */
export async function reindexContacts(trx: Trx, vault: Vault, workspaceId: string): Promise<number> {
  await deleteAllLookupRows(trx, workspaceId);
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const rows = await contactRowsAfter(trx, workspaceId, after, REINDEX_BATCH);
    if (rows.length === 0) return total;
    const records = await openRecords(trx, vault, workspaceId, rows);
    const batch = rows.map((r) => ({ id: r.id, record: records.get(r.id)!, companyId: r.company_id }));
    await storeIndexes(trx, workspaceId, await computeIndexes(trx, vault, workspaceId, batch));
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}
