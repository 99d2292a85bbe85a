/**
 * Merging two contacts into one (docs/crm-segments-and-merge.md "Merge"):
 * the kept record is rebuilt from per-field choices and resealed (new record
 * version, new lookup rows), everything that points at the merged contact is
 * re-pointed by the modules that own it (merge hooks), then the merged
 * contact is crypto-shredded and deleted. One transaction: all or nothing.
 */
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed } from '../../platform/errors.js';
import type { AuthState } from '../../kernel/auth.js';
import { visibleRow } from './access.js';
import { deleteContact, updateContact, type UpdateResult } from './mutate.js';
import type { ContactRow } from './queries.js';
import { openRecords, openSpecial, type ContactRecord } from './record.js';
import type { ContactPatch } from './schemas.js';

export const MERGE_FIELDS = [
  'firstName', 'lastName', 'emails', 'phones', 'jobTitle', 'seniority', 'companyId', 'ownerId', 'address', 'bio',
  'website', 'linkedinUrl', 'country', 'city', 'ip', 'tags', 'customFields', 'lawfulBasis', 'source',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export const MergeInputSchema = z.object({
  keepId: z.uuid(),
  mergeId: z.uuid(),
  choices: z.partialRecord(z.enum(MERGE_FIELDS), z.enum(['keep', 'merge'])).optional(),
}).strict();
export type MergeInput = z.infer<typeof MergeInputSchema>;

export interface MergeHookInput {
  workspaceId: string;
  keepId: string;
  mergeId: string;
  /** Text sealed under the merged person's key must be resealed under the kept one's before the shred. */
  vault: AppContext['vault'];
}
/** Re-points one module's rows from mergeId to keepId, in the merge's transaction (throwing undoes the merge). */
export type MergeHook = (trx: Trx, input: MergeHookInput) => Promise<void>;

/**
 * Modules whose tables reference contacts (deals, notes, tasks, consent ...)
 * give a handler for this point in their definition. Contacts does not touch
 * their tables: each module re-homes its own rows.
 */
declare module '../../kernel/hooks.js' {
  interface HookPoints {
    'contacts.merged': MergeHook;
  }
}

interface Side {
  row: ContactRow;
  fields: Record<MergeField, unknown>;
}

async function sideOf(ctx: Pick<AppContext, 'vault'>, trx: Trx, ws: string, row: ContactRow): Promise<Side> {
  const record: ContactRecord = (await openRecords(trx, ctx.vault, ws, [row])).get(row.id)!;
  const special = await openSpecial(trx, ctx.vault, ws, row.id, row.record_version, row.special);
  const fields = {
    ...record, customFields: { ...record.customFields, ...special },
    companyId: row.company_id, ownerId: row.owner_id, lawfulBasis: row.lawful_basis,
  };
  return { row, fields };
}

const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** The default of a list field: the kept one's entries, then the merged one's not already there. */
function union(field: 'emails' | 'phones' | 'tags', keep: unknown, merge: unknown): unknown {
  if (field === 'tags') return [...new Set([...(keep as string[]), ...(merge as string[])])];
  if (field === 'phones') {
    const numbers = [...new Set([...(keep as Array<{ number: string }>), ...(merge as Array<{ number: string }>)].map((p) => p.number))];
    return numbers.map((number) => ({ number }));
  }
  const kept = keep as ContactRecord['emails'];
  const known = new Set(kept.map((e) => e.address));
  return [...kept, ...(merge as ContactRecord['emails']).filter((e) => !known.has(e.address)).map((e) => ({ address: e.address, primary: false }))];
}

/** The kept contact's patch: a choice wins; else lists unite, custom fields unite (kept wins), other fields keep unless empty. */
export function mergedPatch(keep: Side, merge: Side, choices: MergeInput['choices'] = {}): ContactPatch {
  const out: Record<string, unknown> = {};
  for (const f of MERGE_FIELDS) {
    const k = keep.fields[f];
    const m = merge.fields[f];
    const choice = choices[f];
    if (choice !== undefined) out[f] = choice === 'keep' ? k : m;
    else if (f === 'emails' || f === 'phones' || f === 'tags') out[f] = union(f, k, m);
    else if (f === 'customFields') out[f] = { ...(m as object), ...(k as object) };
    else out[f] = isEmpty(k) ? m : k;
  }
  // A patch's customFields add and replace keys; a kept key not chosen is removed explicitly.
  const chosen = out.customFields as Record<string, unknown>;
  for (const key of Object.keys(keep.fields.customFields as object)) if (!(key in chosen)) chosen[key] = null;
  return out;
}

/**
 * Merges `mergeId` into `keepId` for this caller (both must be visible to
 * it). Returns the kept contact as updated and the names of changed fields.
 */
export async function mergeContacts(ctx: Pick<AppContext, 'vault' | 'now' | 'hooks'>, trx: Trx, auth: AuthState, input: MergeInput): Promise<UpdateResult> {
  if (input.keepId.toLowerCase() === input.mergeId.toLowerCase()) {
    throw validationFailed([{ path: 'mergeId', message: 'A contact cannot be merged into itself.' }]);
  }
  const ws = auth.workspaceId;
  const keep = await sideOf(ctx, trx, ws, await visibleRow(trx, auth, input.keepId));
  const merge = await sideOf(ctx, trx, ws, await visibleRow(trx, auth, input.mergeId));
  const result = await updateContact(ctx, trx, ws, keep.row, mergedPatch(keep, merge, input.choices));
  const ids: MergeHookInput = { workspaceId: ws, keepId: keep.row.id, mergeId: merge.row.id, vault: ctx.vault };
  for (const { handler } of ctx.hooks.all('contacts.merged')) await handler(trx, ids);
  await deleteContact(ctx, trx, ws, merge.row.id);
  return result;
}
