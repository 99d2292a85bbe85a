/**
 * Contacts sealed and indexed elsewhere (an import's worker threads, under
 * the vault's BulkKeys), written in a handful of statements: subject keys,
 * rows with their blind terms, lookup rows. The caller checked, in this
 * transaction, that the keys' version is still current (Vault.currentVersion).
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { insertContactRows, lookupValuesAfter, type LookupKey, type NewContactRow } from './queries.js';
import { valueOfIndex } from './terms.js';

export interface SealedNewContact extends NewContactRow {
  /** The contact's data key wrapped under `version` of the workspace key. */
  wrappedHex: string;
}

/** Rows per statement. */
const CHUNK = 5_000;

export async function insertSealedContacts(
  ctx: Pick<AppContext, 'vault' | 'now'>, trx: Trx, ws: string, version: number, contacts: readonly SealedNewContact[], now: Date = ctx.now(),
): Promise<void> {
  for (let i = 0; i < contacts.length; i += CHUNK) {
    const part = contacts.slice(i, i + CHUNK);
    await ctx.vault.insertWrappedSubjectKeys(trx, ws, version, part.map((c) => ({ subjectId: c.id, wrappedHex: c.wrappedHex })));
    await insertContactRows(trx, ws, now, part);
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
