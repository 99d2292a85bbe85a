/**
 * Contacts sealed and indexed elsewhere (an import's worker threads, under
 * the vault's BulkKeys), written in a handful of statements: subject keys,
 * rows with their blind terms, lookup rows. The caller checked, in this
 * transaction, that the keys' version is still current (Vault.currentVersion).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import type { Trx } from '../../platform/db/database.js';
import { lookupValuesAfter, type LookupKey, type NewContactRow } from './queries.js';
import { valueOfIndex } from './terms.js';

export interface SealedNewContact extends Omit<NewContactRow, 'terms'> {
  /** The blind terms as an array literal (terms.ts termsLiteral), built where they were computed. */
  termsLiteral: string;
  /** The contact's data key wrapped under `version` of the workspace key. */
  wrappedHex: string;
  lookups: ReadonlyArray<{ kind: number; valueHex: string }>;
}

/** Elements that need no quoting in an array literal: hex, uuids, numbers, enum words. */
const PLAIN = /^[0-9A-Za-z_-]*$/;

/**
 * An array literal of plain elements, joined here: pg's own array encoding
 * escapes element by element, which for a batch of sealed records (≈ 1 MB of
 * hex) cost more than the statement. A non-plain element throws.
 */
export function plainArray(values: ReadonlyArray<string | number | null>): string {
  for (const v of values) if (typeof v === 'string' && !PLAIN.test(v)) throw new Error('not a plain array element');
  return `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
}

/** A text[] literal of term lists, each element quoted ("{1,2}"), cast per row to bigint[]. */
function termsArray(rows: ReadonlyArray<{ termsLiteral: string }>): string {
  return `{${rows.map((r) => {
    if (!TERMS.test(r.termsLiteral)) throw new Error('not a terms literal');
    return `"${r.termsLiteral}"`;
  }).join(',')}}`;
}
const TERMS = /^\{[0-9,]*\}$/;

/** Rows per statement. */
const CHUNK = 5_000;

export async function insertSealedContacts(
  ctx: Pick<AppContext, 'vault' | 'now'>, trx: Trx, ws: string, version: number, contacts: readonly SealedNewContact[],
): Promise<void> {
  for (let i = 0; i < contacts.length; i += CHUNK) {
    const part = contacts.slice(i, i + CHUNK);
    await ctx.vault.insertWrappedSubjectKeys(trx, ws, version, part.map((c) => ({ subjectId: c.id, wrappedHex: c.wrappedHex })));
    const lookups = part.flatMap((c) => c.lookups.map((l) => ({ id: c.id, kind: l.kind, hex: l.valueHex })));
    const now = ctx.now();
    // One statement for the rows and their lookups (contact_lookup has no foreign key to wait for).
    await sql`with c as (
        insert into contacts (workspace_id, id, record_version, record, special, owner_id, company_id, lawful_basis, created_at, updated_at, created_by, terms)
        select ${ws}::uuid, id, 1, decode(r, 'hex'), decode(s, 'hex'), o, co, lb, ${now}::timestamptz, ${now}::timestamptz, cb, t::bigint[]
        from unnest(${plainArray(part.map((c) => c.id))}::uuid[], ${plainArray(part.map((c) => c.recordHex))}::text[],
          ${plainArray(part.map((c) => c.specialHex))}::text[], ${plainArray(part.map((c) => c.ownerId))}::uuid[],
          ${plainArray(part.map((c) => c.companyId))}::uuid[], ${plainArray(part.map((c) => c.lawfulBasis))}::text[],
          ${plainArray(part.map((c) => c.createdBy))}::uuid[], ${termsArray(part)}::text[]) as x(id, r, s, o, co, lb, cb, t)
      )
      insert into contact_lookup (workspace_id, kind, value, contact_id)
      select ${ws}::uuid, k, decode(v, 'hex'), id
      from unnest(${plainArray(lookups.map((l) => l.id))}::uuid[], ${plainArray(lookups.map((l) => l.kind))}::smallint[],
        ${plainArray(lookups.map((l) => l.hex))}::text[]) as y(id, k, v)
      on conflict do nothing`.execute(trx);
  }
}

const PAGE = 50_000;

/** Every exact lookup value of the workspace (kind, 32-bit value), page by page, one short transaction each. */
export async function* exactLookupValues(db: Pick<AppContext, 'db'>['db'], ws: string): AsyncGenerator<Array<{ kind: number; value: number }>> {
  let after: LookupKey | null = null;
  for (;;) {
    const page: LookupKey[] = await db.withWorkspace(ws, (trx) => lookupValuesAfter(trx, ws, after, PAGE));
    if (page.length === 0) return;
    yield page.map((r) => ({ kind: r.kind, value: valueOfIndex(r.value) }));
    after = page[page.length - 1]!;
  }
}
