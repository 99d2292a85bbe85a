/** Changing and erasing one contact. */
import { isDeepStrictEqual } from 'node:util';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { conflict, notFound, validationFailed, type FieldError } from '../../platform/errors.js';
import { defaultCountry } from './deps.js';
import { computeIndexes, replaceLookups } from './lookup.js';
import { checkReferences, customFieldsOf, recordOf } from './prepare.js';
import { deleteContactRow, deleteLookupRows, updateContactRow, type ContactRow } from './queries.js';
import { openRecords, openSpecial, sealContact, type ContactRecord, type SpecialValues } from './record.js';
import type { ContactPatch, ContactView, ParsedContactInput } from './schemas.js';
import { toView } from './service.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

/** The stored record as an input, so a patch can be applied and the whole re-checked. */
function inputOf(row: ContactRow, record: ContactRecord): ParsedContactInput {
  return {
    ...record,
    companyId: row.company_id,
    ownerId: row.owner_id,
    lawfulBasis: row.lawful_basis as ParsedContactInput['lawfulBasis'],
  };
}

/** Custom fields after a patch: given keys replace, null removes; special and plain re-split by the definitions. */
async function patchedCustomFields(trx: Trx, ws: string, record: ContactRecord, special: SpecialValues, patch: ContactPatch): Promise<{ plain: Record<string, unknown>; special: SpecialValues }> {
  if (patch.customFields === undefined) return { plain: record.customFields, special };
  const merged: Record<string, unknown> = { ...record.customFields, ...special };
  for (const [k, v] of Object.entries(patch.customFields)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return customFieldsOf(trx, ws, merged);
}

export interface UpdateResult {
  contact: ContactView;
  /** Names of the fields the patch changed (for the audit event: names, never values). */
  changed: string[];
}

/** Equal as JSON (key order and absent-versus-undefined aside). */
const sameJson = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)) as unknown, JSON.parse(JSON.stringify(b ?? null)) as unknown);

/**
 * Applies a patch to a visible contact (`row` from the caller's visibility
 * check). The record version goes up and both ciphertexts are sealed under it,
 * so the previous ones no longer open for this row. A patch that changes
 * nothing after normalization (an empty one, or the values already held)
 * writes nothing: same version, same `updatedAt`, and `changed` is empty.
 */
export async function updateContact(ctx: Ctx, trx: Trx, ws: string, row: ContactRow, patch: ContactPatch): Promise<UpdateResult> {
  const record = (await openRecords(trx, ctx.vault, ws, [row])).get(row.id)!;
  const special = await openSpecial(trx, ctx.vault, ws, row.id, row.record_version, row.special);
  const given = stripUndefined(patch);
  const input: ParsedContactInput = { ...inputOf(row, record), ...given };
  const errors: FieldError[] = [];
  const next = recordOf(input, await defaultCountry(trx, ws), errors);
  const companyId = input.companyId ?? null;
  const ownerId = input.ownerId ?? null;
  await checkReferences(trx, ws, companyId !== row.company_id ? companyId : null, ownerId !== row.owner_id ? ownerId : null, errors);
  if (errors.length > 0) throw validationFailed(errors);
  const custom = await patchedCustomFields(trx, ws, record, special, patch);
  next.customFields = custom.plain;
  const after: Record<string, unknown> = { ...next, customFields: { ...custom.plain, ...custom.special }, companyId, ownerId, lawfulBasis: input.lawfulBasis };
  const before: Record<string, unknown> = { ...record, customFields: { ...record.customFields, ...special }, companyId: row.company_id, ownerId: row.owner_id, lawfulBasis: row.lawful_basis };
  const changed = Object.keys(given).filter((k) => !sameJson(before[k], after[k]));
  if (changed.length === 0) return { contact: toView(row, record), changed };
  const version = row.record_version + 1;
  const sealed = sealContact(await ctx.vault.dataKey(trx, ws, row.id), ws, row.id, version, next, custom.special);
  const set = { record: sealed.record, special: sealed.special, record_version: version, owner_id: ownerId, company_id: companyId, lawful_basis: input.lawfulBasis, updated_at: ctx.now() };
  const indexes = await computeIndexes(trx, ctx.vault, ws, [{ id: row.id, record: next, companyId }]);
  if (!(await updateContactRow(trx, ws, row.id, row.record_version, set, indexes.get(row.id)!.terms))) {
    throw conflict('The contact changed meanwhile; reload it and try again.', 'edit-conflict');
  }
  await replaceLookups(trx, ws, indexes);
  return { contact: toView({ ...row, ...set }, next), changed };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Erasure: the data key goes first (crypto-shredding: the record is
 * unreadable in this database and every later copy), then the rows.
 */
export async function deleteContact(ctx: Ctx, trx: Trx, ws: string, id: string): Promise<void> {
  await ctx.vault.shredSubject(trx, ws, id);
  await deleteLookupRows(trx, ws, [id]);
  await deleteContactRow(trx, ws, id);
}

export function notFoundContact(): never {
  throw notFound('No such contact.');
}
