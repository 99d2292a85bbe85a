/**
 * The sealed record: all of a person's fields in one ciphertext under their
 * own data key (docs/crm-contacts.md). Bulk paths fetch the keys of a batch
 * with one query and open synchronously.
 */
import { openJsonWithKey, sealJsonWithKey, type SealTarget } from '../../platform/crypto/fields.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { Trx } from '../../platform/db/database.js';
import { foldWords } from './normalize.js';

export interface ContactAddress {
  street?: string | null;
  postalCode?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
}

/** What the `record` column holds (the field names are inside the ciphertext). */
export interface ContactRecord {
  firstName: string;
  lastName: string;
  emails: Array<{ address: string; primary: boolean }>;
  phones: Array<{ number: string }>;
  jobTitle: string | null;
  seniority: string | null;
  address: ContactAddress | null;
  website: string | null;
  linkedinUrl: string | null;
  bio: string | null;
  country: string | null;
  city: string | null;
  ip: string | null;
  tags: string[];
  source: string;
  customFields: Record<string, unknown>;
}

/** What the `special` column holds: special-category custom field values only. */
export type SpecialValues = Record<string, unknown>;

export type SealedColumn = 'record' | 'special';

export function contactTarget(workspaceId: string, id: string, recordVersion: number, column: SealedColumn): SealTarget {
  return { workspaceId, subjectId: id, table: 'contacts', rowId: id, column, recordVersion };
}

export interface SealedRow {
  id: string;
  record_version: number;
  record: Buffer;
}

/** Opens many records with one key query (per batch, not per row). */
export async function openRecords(trx: Trx, vault: Vault, workspaceId: string, rows: readonly SealedRow[]): Promise<Map<string, ContactRecord>> {
  const out = new Map<string, ContactRecord>();
  if (rows.length === 0) return out;
  const keys = await vault.getSubjectKeys(trx, workspaceId, rows.map((r) => r.id));
  for (const row of rows) {
    const key = keys.get(row.id);
    if (!key) throw new Error('missing data key');
    out.set(row.id, openJsonWithKey<ContactRecord>(key, contactTarget(workspaceId, row.id, row.record_version, 'record'), row.record));
  }
  return out;
}

export async function openSpecial(trx: Trx, vault: Vault, workspaceId: string, id: string, recordVersion: number, special: Buffer | null): Promise<SpecialValues> {
  if (!special) return {};
  const key = await vault.dataKey(trx, workspaceId, id);
  return openJsonWithKey<SpecialValues>(key, contactTarget(workspaceId, id, recordVersion, 'special'), special);
}

export interface Sealed {
  record: Buffer;
  special: Buffer | null;
}

/** Seals a record (and its special values, when any) under keys already fetched. */
export function sealContact(
  key: Parameters<typeof sealJsonWithKey>[0],
  workspaceId: string,
  id: string,
  recordVersion: number,
  record: ContactRecord,
  special: SpecialValues,
): Sealed {
  return {
    record: sealJsonWithKey(key, contactTarget(workspaceId, id, recordVersion, 'record'), record),
    special: Object.keys(special).length === 0 ? null : sealJsonWithKey(key, contactTarget(workspaceId, id, recordVersion, 'special'), special),
  };
}

/** The words search matches: names, each email's local-part and domain words, the company name. */
export function searchableWords(record: ContactRecord, companyName: string | null): string[] {
  const parts = [record.firstName, record.lastName, ...record.emails.map((e) => e.address), companyName ?? ''];
  return [...new Set(parts.flatMap(foldWords))];
}
