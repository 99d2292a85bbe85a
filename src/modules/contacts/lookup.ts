/**
 * Blind lookup rows of a contact (docs/crm-contacts.md "Indexes"): computed
 * from the decrypted record with one key fetch per index, written beside the
 * row, rebuilt by a key rotation.
 */
import type { Vault } from '../../platform/crypto/index.js';
import type { Trx } from '../../platform/db/database.js';
import { getCompanyNames } from './deps.js';
import { normalizeCountry, normalizeTag, wordTokens } from './normalize.js';
import { contactRowsAfter, deleteAllLookupRows, deleteLookupRows, insertLookupRows, KIND, type LookupKind, type LookupRow } from './queries.js';
import { openRecords, searchableWords, type ContactRecord } from './record.js';

/** Index names (HKDF labels) and widths. Changing either orphans stored values. */
export const INDEXES: Readonly<Record<LookupKind, { name: string; bits: number }>> = {
  email: { name: 'contacts.email', bits: 32 },
  phone: { name: 'contacts.phone', bits: 32 },
  token: { name: 'contacts.token', bits: 20 },
  tag: { name: 'contacts.tag', bits: 32 },
  country: { name: 'contacts.country', bits: 32 },
};

/** The country a segment's "country is" tests: the contact's country, else its address's; normalized. */
export function countryOf(record: ContactRecord): string | null {
  const raw = record.country ?? record.address?.country ?? null;
  const c = raw === null ? '' : normalizeCountry(raw);
  return c === '' ? null : c;
}

export type Indexers = Record<LookupKind, (normalized: string) => Buffer>;

/** The synchronous index functions under the current key version. */
export async function indexers(trx: Trx, vault: Vault, workspaceId: string): Promise<Indexers> {
  const make = (k: LookupKind) => vault.blindIndexer(trx, workspaceId, INDEXES[k].name, INDEXES[k].bits);
  return { email: await make('email'), phone: await make('phone'), token: await make('token'), tag: await make('tag'), country: await make('country') };
}

/** Lookup values of one contact, de-duplicated (the primary key would refuse repeats). */
export function lookupRowsOf(ix: Indexers, workspaceId: string, contactId: string, record: ContactRecord, companyName: string | null): LookupRow[] {
  const seen = new Set<string>();
  const rows: LookupRow[] = [];
  const add = (kind: LookupKind, value: Buffer) => {
    const k = `${KIND[kind]}:${value.toString('hex')}`;
    if (seen.has(k)) return;
    seen.add(k);
    rows.push({ workspace_id: workspaceId, kind: KIND[kind], value, contact_id: contactId });
  };
  for (const e of record.emails) add('email', ix.email(e.address));
  for (const p of record.phones) add('phone', ix.phone(p.number));
  for (const t of record.tags) add('tag', ix.tag(normalizeTag(t)));
  const country = countryOf(record);
  if (country !== null) add('country', ix.country(country));
  const tokens = new Set(searchableWords(record, companyName).flatMap(wordTokens));
  for (const t of tokens) add('token', ix.token(t));
  return rows;
}

export interface Indexable {
  id: string;
  record: ContactRecord;
  companyId: string | null;
}

/** Replaces the lookup rows of these contacts (create, update, re-index). */
export async function writeLookups(trx: Trx, vault: Vault, workspaceId: string, contacts: readonly Indexable[], replace: boolean): Promise<void> {
  if (contacts.length === 0) return;
  const ix = await indexers(trx, vault, workspaceId);
  const companyIds = [...new Set(contacts.map((c) => c.companyId).filter((id): id is string => id !== null))];
  const names = companyIds.length > 0 ? await getCompanyNames(trx, vault, workspaceId, companyIds) : new Map<string, string>();
  if (replace) await deleteLookupRows(trx, workspaceId, contacts.map((c) => c.id));
  const rows = contacts.flatMap((c) => lookupRowsOf(ix, workspaceId, c.id, c.record, c.companyId ? (names.get(c.companyId) ?? null) : null));
  await insertLookupRows(trx, rows);
}

const REINDEX_BATCH = 500;

/**
 * A rotation derives new index keys: every lookup row is recomputed from the
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
    await writeLookups(trx, vault, workspaceId, batch, false);
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

export function registerContactReindexer(vault: Vault): void {
  vault.registerReindexer('contacts', (trx, workspaceId) => reindexContacts(trx, vault, workspaceId).then(() => undefined));
}
