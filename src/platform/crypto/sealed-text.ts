/**
 * Text about people, sealed under their key (DESIGN.md data rule 2): deals,
 * notes and tasks share this. A row's text is sealed under the data key of the
 * contact it is about (subject id = contact id), else under the workspace key.
 * Opening tolerates erased people: a list must not fail because one person in
 * it was crypto-shredded, so their items open as null ("erased").
 */
import { DecryptionError, openJsonWithKey, type DataKey, type SealTarget, type Vault } from './index.js';
import { sql } from 'kysely';
import type { Trx } from '../db/database.js';

export interface SealedRef {
  table: string;
  column: string;
  rowId: string;
  recordVersion: number;
  /** The contact whose key sealed the text; null: the workspace key. */
  subjectId: string | null;
}

type KeyVault = Pick<Vault, 'sealJson' | 'getSubjectKeys'>;

const target = (workspaceId: string, ref: SealedRef): SealTarget => ({
  workspaceId, subjectId: ref.subjectId, table: ref.table, rowId: ref.rowId, column: ref.column, recordVersion: ref.recordVersion,
});

export function sealText(trx: Trx, vault: KeyVault, workspaceId: string, ref: SealedRef, value: unknown): Promise<Buffer> {
  return vault.sealJson(trx, target(workspaceId, ref), value);
}

/**
 * Keys of the given subjects (null = workspace), one query for the batch; when
 * the batch holds an erased subject (the vault refuses the whole batch), each
 * is fetched alone so only the erased ones are missing from the answer.
 */
async function keysOf(trx: Trx, vault: KeyVault, workspaceId: string, subjects: readonly string[]): Promise<Map<string, DataKey>> {
  try {
    return await vault.getSubjectKeys(trx, workspaceId, subjects);
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
  }
  const out = new Map<string, DataKey>();
  for (const id of subjects) {
    try {
      const one = await vault.getSubjectKeys(trx, workspaceId, [id]);
      const key = one.get(id);
      if (key) out.set(id, key);
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
    }
  }
  return out;
}

/** Opens many sealed values; an erased person's (or otherwise unopenable) value is null. */
export async function openMany<T>(trx: Trx, vault: KeyVault, workspaceId: string, items: ReadonlyArray<{ ref: SealedRef; sealed: Buffer }>): Promise<Array<T | null>> {
  if (items.length === 0) return [];
  const subjects = [...new Set(items.map((i) => i.ref.subjectId ?? workspaceId))];
  const keys = await keysOf(trx, vault, workspaceId, subjects);
  return items.map(({ ref, sealed }) => {
    const key = keys.get(ref.subjectId ?? workspaceId);
    if (!key) return null;
    try {
      return openJsonWithKey<T>(key, target(workspaceId, ref), sealed);
    } catch (err) {
      if (err instanceof DecryptionError) return null;
      throw err;
    }
  });
}

/** The display name of a contact, as lists show it. */
export function displayName(c: { firstName: string; lastName: string }): string {
  return `${c.firstName} ${c.lastName}`.trim();
}

/**
 * Moves a module's rows about `fromSubject` to `toSubject` (a contact merge):
 * each row's text is opened under the merged person's key and sealed again
 * under the kept person's, with a new record version, before that key is
 * shredded. `subjectColumn` is where the module records whose key sealed the
 * text (`contact_id` itself for notes, `subject_id` for deals and tasks).
 */
export async function resealRows(
  trx: Trx,
  vault: Pick<Vault, 'sealJson' | 'getSubjectKeys'>,
  input: { workspaceId: string; table: string; column: string; subjectColumn: 'contact_id' | 'subject_id'; fromSubject: string; toSubject: string },
): Promise<number> {
  const { workspaceId, table, column, subjectColumn, fromSubject, toSubject } = input;
  // Identifiers come from the owning module's code (its merge handler), never from a request.
  const rows = await sql<{ id: string; record_version: number; sealed: Buffer }>`
    select id, record_version, ${sql.ref(column)} as sealed from ${sql.table(table)}
    where workspace_id = ${workspaceId} and ${sql.ref(subjectColumn)} = ${fromSubject}`.execute(trx);
  const ref = (id: string, version: number, subjectId: string): SealedRef => ({ table, column, rowId: id, recordVersion: version, subjectId });
  const opened = await openMany<unknown>(trx, vault, workspaceId, rows.rows.map((r) => ({ ref: ref(r.id, r.record_version, fromSubject), sealed: r.sealed })));
  for (const [i, r] of rows.rows.entries()) {
    const value = opened[i];
    if (value === null || value === undefined) continue;
    const version = r.record_version + 1;
    const sealed = await sealText(trx, vault, workspaceId, ref(r.id, version, toSubject), value);
    const extra = subjectColumn === 'subject_id' ? sql`, contact_id = ${toSubject}` : sql``;
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sealed}, record_version = ${version},
      ${sql.ref(subjectColumn)} = ${toSubject} ${extra} where workspace_id = ${workspaceId} and id = ${r.id}`.execute(trx);
  }
  return rows.rows.length;
}
