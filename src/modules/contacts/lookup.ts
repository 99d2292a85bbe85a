/**
 * The blind indexes of a contact (docs/crm-contacts.md "Indexes"), computed
 * from the decrypted record with keys fetched once per batch, written with
 * the row, rebuilt by a key rotation:
 *  - emails and phones as contact_lookup rows (exact lookups, duplicates);
 *  - search tokens, tags and country as `contacts.terms` (terms.ts).
 */
import { BlockPrf, blindIndexWith, type BulkKeys, type Vault } from '../../platform/crypto/index.js';
import type { Trx } from '../../platform/db/database.js';
import { getCompanyNames } from './deps.js';
import { normalizeCountry, normalizeTag, wordTokens } from './normalize.js';
import { contactRowsAfter, deleteAllLookupRows, deleteLookupRows, insertLookupRows, KIND, updateTerms, type LookupRow } from './queries.js';
import { openRecords, searchableWords, type ContactRecord } from './record.js';
import { termOf, valueOfIndex, workspaceTag } from './terms.js';

/** HMAC blind indexes: names (HKDF labels) and widths. Changing either orphans stored values. */
export const INDEXES = {
  email: { name: 'contacts.email', bits: 32 },
  phone: { name: 'contacts.phone', bits: 32 },
  tag: { name: 'contacts.tag', bits: 32 },
  country: { name: 'contacts.country', bits: 32 },
} as const;
export type IndexKind = keyof typeof INDEXES;

/**
 * Search tokens: AES-CMAC of the word prefix (block-prf.ts), 20 bits. A new
 * label, not the HMAC tokens' `contacts.token`: one key, one algorithm.
 */
export const TOKEN_INDEX = { name: 'contacts.token.cmac', bits: 20 } as const;

/** Every index key a writer needs (for `Vault.bulkKeys`). */
export const INDEX_NAMES: readonly string[] = [...Object.values(INDEXES).map((i) => i.name), TOKEN_INDEX.name];

/** The country a segment's "country is" tests: the contact's country, else its address's; normalized. */
export function countryOf(record: ContactRecord): string | null {
  const raw = record.country ?? record.address?.country ?? null;
  const c = raw === null ? '' : normalizeCountry(raw);
  return c === '' ? null : c;
}

export interface Indexers {
  workspaceTag: number;
  index: Record<IndexKind, (normalized: string) => Buffer>;
  tokens: BlockPrf;
}

/** The index functions of the current key version. */
export async function indexers(trx: Trx, vault: Vault, workspaceId: string): Promise<Indexers> {
  return indexersFromKeys(await vault.bulkKeys(trx, workspaceId, INDEX_NAMES));
}

/** The same functions from bulk keys (import workers compute off the vault). */
export function indexersFromKeys(keys: Pick<BulkKeys, 'workspaceId' | 'indexKeys'>): Indexers {
  const fn = (k: IndexKind) => {
    const key = keys.indexKeys[INDEXES[k].name];
    if (!key) throw new Error(`no key for index ${INDEXES[k].name}`);
    return (normalized: string) => blindIndexWith(key, normalized, INDEXES[k].bits);
  };
  const tokenKey = keys.indexKeys[TOKEN_INDEX.name];
  if (!tokenKey) throw new Error('no key for the token index');
  return {
    workspaceTag: workspaceTag(keys.workspaceId),
    index: { email: fn('email'), phone: fn('phone'), tag: fn('tag'), country: fn('country') },
    tokens: new BlockPrf(tokenKey),
  };
}

export interface ContactIndexes {
  /** contact_lookup rows (kind, value), de-duplicated. */
  lookups: Array<{ kind: number; value: Buffer }>;
  /** contacts.terms, de-duplicated. */
  terms: number[];
}

/** The token inputs of a record: every stored prefix of every searchable word. */
export function tokenInputs(record: ContactRecord, companyName: string | null): string[] {
  return [...new Set(searchableWords(record, companyName).flatMap(wordTokens))];
}

/** A contact's blind values under `ix`. */
export function indexesOf(ix: Indexers, record: ContactRecord, companyName: string | null): ContactIndexes {
  const seen = new Set<string>();
  const lookups: ContactIndexes['lookups'] = [];
  const add = (kind: number, value: Buffer) => {
    const k = `${kind}:${value.toString('hex')}`;
    if (seen.has(k)) return;
    seen.add(k);
    lookups.push({ kind, value });
  };
  for (const e of record.emails) add(KIND.email, ix.index.email(e.address));
  for (const p of record.phones) add(KIND.phone, ix.index.phone(p.number));
  const terms = new Set<number>();
  for (const t of record.tags) terms.add(termOf(ix.workspaceTag, 'tag', valueOfIndex(ix.index.tag(normalizeTag(t)))));
  const country = countryOf(record);
  if (country !== null) terms.add(termOf(ix.workspaceTag, 'country', valueOfIndex(ix.index.country(country))));
  for (const v of ix.tokens.many(tokenInputs(record, companyName), TOKEN_INDEX.bits)) terms.add(termOf(ix.workspaceTag, 'token', v));
  return { lookups, terms: [...terms] };
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

/** Recomputes and rewrites every blind value of existing contacts (re-index, company re-token). */
export async function rewriteIndexes(trx: Trx, vault: Vault, workspaceId: string, contacts: readonly Indexable[]): Promise<void> {
  const indexes = await computeIndexes(trx, vault, workspaceId, contacts);
  await replaceLookups(trx, workspaceId, indexes);
  await updateTerms(trx, workspaceId, [...indexes].map(([id, ix]) => ({ id, terms: ix.terms })));
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
    const indexes = await computeIndexes(trx, vault, workspaceId, batch);
    await insertLookupRows(trx, [...indexes].flatMap(([id, ix]) => lookupRowsOf(workspaceId, id, ix)));
    await updateTerms(trx, workspaceId, [...indexes].map(([id, ix]) => ({ id, terms: ix.terms })));
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

export function registerContactReindexer(vault: Vault): void {
  vault.registerReindexer('contacts', (trx, workspaceId) => reindexContacts(trx, vault, workspaceId).then(() => undefined));
}
