/**
 * The contacts service: what other modules (import, export, merge) call.
 * Everything runs in the caller's workspace transaction; reads here are not
 * audited — the caller that shows people records the read (recordPersonalRead).
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed } from '../../platform/errors.js';
import { canSee, type OwnerScope } from './access.js';
import { insertSealedContacts } from './bulk.js';
import { INDEX_NAMES, INDEXES } from './lookup.js';
import { contactMaker, prepareBatch, type Draft } from './make.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import { checkCustomFields, lookUpReferences } from './prepare.js';
import { defaultCountry } from './deps.js';
import { contactIdsByLookup, contactRowsByIds, KIND, type ContactRow } from './queries.js';
import { openRecords, type ContactRecord } from './record.js';
import type { ContactInput, ContactView, LawfulBasis } from './schemas.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

export interface CreateOptions {
  /** The member creating (audit and `createdBy`); the default owner too. */
  createdBy?: string | null;
}

export function toView(row: Pick<ContactRow, 'id' | 'record_version' | 'owner_id' | 'company_id' | 'lawful_basis' | 'created_at' | 'updated_at' | 'created_by'>, record: ContactRecord, extraFields: Record<string, unknown> = {}): ContactView {
  return {
    id: row.id,
    ...record,
    customFields: { ...record.customFields, ...extraFields },
    companyId: row.company_id,
    ownerId: row.owner_id,
    lawfulBasis: row.lawful_basis as LawfulBasis,
    recordVersion: row.record_version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    createdBy: row.created_by,
  };
}

/**
 * Creates contacts: made by prepareBatch (checked, sealed under a fresh data
 * key each, indexed: the same making as an import's rows) after the
 * database told it about the companies, owners and custom fields named, then
 * written with their keys and lookup rows. The first bad input throws its
 * 422 — its shape, else its values and references, else its custom fields —
 * with the shape's paths prefixed by its index when in a batch. Duplicates
 * are not checked here (the caller decides: the API refuses, an import may
 * skip or update).
 */
export async function createContacts(ctx: Ctx, trx: Trx, ws: string, inputs: readonly ContactInput[], options: CreateOptions = {}): Promise<ContactView[]> {
  if (inputs.length === 0) return [];
  const createdBy = options.createdBy ?? null;
  const country = await defaultCountry(trx, ws);
  const { references, companyNames } = await lookUpReferences(trx, ctx.vault, ws, inputs, createdBy);
  const customFields = await checkCustomFields(trx, ws, inputs);
  const keys = await ctx.vault.bulkKeys(trx, ws, INDEX_NAMES);
  const drafts: Draft[] = inputs.map((input, i) => {
    const cf = customFields[i]!;
    const companyName = typeof input.companyId === 'string' ? (companyNames.get(input.companyId) ?? null) : null;
    return { input, companyName, ...(cf.ok ? { customFields: { plain: cf.plain, special: cf.special } } : {}) };
  });
  const made = prepareBatch(contactMaker({ keys, country }), drafts, { ids: 'random', references });
  const good = made.map((m, i) => {
    if (!m.ok) {
      const prefix = inputs.length > 1 ? `${i}.` : '';
      throw m.stage === 'shape' ? validationFailed(m.issues.map((iss) => ({ path: prefix + iss.path, message: iss.message }))) : validationFailed(m.errors);
    }
    const cf = customFields[i]!;
    if (!cf.ok) throw cf.error;
    return m;
  });
  const now = ctx.now();
  await insertSealedContacts(ctx, trx, ws, keys.version, good.map((m) => ({ ...m.sealed, ownerId: m.ownerId, companyId: m.companyId, createdBy })), now);
  return good.map((m) => toView({
    id: m.sealed.id, record_version: 1, owner_id: m.ownerId, company_id: m.companyId, lawful_basis: m.sealed.lawfulBasis,
    created_at: now, updated_at: now, created_by: createdBy,
  }, m.record));
}

/** Contacts by id (missing ids are left out), in id order, without special-category values. */
export async function getContacts(ctx: Ctx, trx: Trx, ws: string, ids: readonly string[]): Promise<ContactView[]> {
  const rows = await contactRowsByIds(trx, ws, ids);
  const records = await openRecords(trx, ctx.vault, ws, rows);
  return rows.map((r) => toView(r, records.get(r.id)!));
}

/**
 * The contacts among `ids` that a request with record visibility `scope` may
 * see, opened, in id order. Missing ids and hidden contacts are left out, and
 * hidden ones are never decrypted: callers showing names beside other records
 * (deal and task lists) withhold the rest.
 */
export async function getVisibleContacts(ctx: Ctx, trx: Trx, ws: string, ids: readonly string[], scope: OwnerScope): Promise<ContactView[]> {
  const rows = (await contactRowsByIds(trx, ws, ids)).filter((r) => canSee(scope, r.owner_id));
  const records = await openRecords(trx, ctx.vault, ws, rows);
  return rows.map((r) => toView(r, records.get(r.id)!));
}

/** The ids among `ids` of existing contacts visible under `scope` (nothing decrypted). */
export async function visibleContactIds(trx: Trx, ws: string, ids: readonly string[], scope: OwnerScope): Promise<Set<string>> {
  return new Set((await contactRowsByIds(trx, ws, ids)).filter((r) => canSee(scope, r.owner_id)).map((r) => r.id));
}

/** Rows with their opened records, for callers that filter on metadata too. */
export async function getContactRows(ctx: Ctx, trx: Trx, ws: string, ids: readonly string[]): Promise<Array<{ row: ContactRow; record: ContactRecord }>> {
  const rows = await contactRowsByIds(trx, ws, ids);
  const records = await openRecords(trx, ctx.vault, ws, rows);
  return rows.map((row) => ({ row, record: records.get(row.id)! }));
}

/**
 * Contacts having this email exactly (after normalization). The 32-bit index
 * narrows to candidates (both versions during a rotation); decryption decides.
 */
export async function findByEmail(ctx: Ctx, trx: Trx, ws: string, email: string): Promise<ContactView[]> {
  const normalized = normalizeEmail(email);
  const values = await ctx.vault.blindIndexCandidates(trx, ws, INDEXES.email.name, normalized, INDEXES.email.bits);
  const ids = await contactIdsByLookup(trx, ws, KIND.email, values);
  const found = await getContacts(ctx, trx, ws, ids);
  return found.filter((c) => c.emails.some((e) => e.address === normalized));
}

/** Contacts having this E.164 number (already normalized); candidates re-checked after decryption like emails. */
export async function findByPhone(ctx: Ctx, trx: Trx, ws: string, e164: string): Promise<ContactView[]> {
  const values = await ctx.vault.blindIndexCandidates(trx, ws, INDEXES.phone.name, e164, INDEXES.phone.bits);
  const ids = await contactIdsByLookup(trx, ws, KIND.phone, values);
  const found = await getContacts(ctx, trx, ws, ids);
  return found.filter((c) => c.phones.some((p) => p.number === e164));
}

/**
 * The first existing contact sharing any of these emails, then any of these
 * phones (API.md: "matched on the email index, then the phone index"), or
 * null. A phone that does not normalize matches nothing (the create's
 * validation answers for it).
 */
export async function findDuplicate(
  ctx: Ctx, trx: Trx, ws: string,
  emails: ReadonlyArray<{ address: string }>,
  phones: ReadonlyArray<{ number: string }> = [],
): Promise<string | null> {
  for (const e of emails) {
    const [hit] = await findByEmail(ctx, trx, ws, e.address);
    if (hit) return hit.id;
  }
  if (phones.length === 0) return null;
  const country = await defaultCountry(trx, ws);
  for (const p of phones) {
    const e164 = normalizePhone(p.number, country);
    if (e164 === null) continue;
    const [hit] = await findByPhone(ctx, trx, ws, e164);
    if (hit) return hit.id;
  }
  return null;
}

/**
 * `findDuplicate` for many people at once (an import batch): every email and
 * phone's blind index in one lookup query, the candidates opened once and
 * re-checked, then each person matched on email first, then phone. Emails and
 * phones must be normalized already (phones in E.164). Index i of the answer
 * is person i's duplicate, or null. `indexed`: person i's index values as
 * prepareBatch made them, when the caller knows the workspace has one key
 * version, the one they were made under (they are then every candidate, and
 * nothing is hashed again).
 */
export async function findDuplicates(
  ctx: Ctx, trx: Trx, ws: string,
  people: ReadonlyArray<{ emails: ReadonlyArray<{ address: string }>; phones: ReadonlyArray<{ number: string }> }>,
  opts: { indexed?: ReadonlyArray<ReadonlyArray<{ kind: number; valueHex: string }>> } = {},
): Promise<Array<string | null>> {
  const values: Buffer[] = [];
  const phoneValues: Buffer[] = [];
  if (opts.indexed) {
    const seen = new Set<string>();
    for (const l of opts.indexed.flat()) {
      const k = `${l.kind}:${l.valueHex}`;
      if (seen.has(k)) continue;
      seen.add(k);
      (l.kind === KIND.email ? values : phoneValues).push(Buffer.from(l.valueHex, 'hex'));
    }
  } else {
    const emails = [...new Set(people.flatMap((p) => p.emails.map((e) => e.address)))];
    const phones = [...new Set(people.flatMap((p) => p.phones.map((x) => x.number)))];
    for (const e of emails) values.push(...(await ctx.vault.blindIndexCandidates(trx, ws, INDEXES.email.name, e, INDEXES.email.bits)));
    for (const p of phones) phoneValues.push(...(await ctx.vault.blindIndexCandidates(trx, ws, INDEXES.phone.name, p, INDEXES.phone.bits)));
  }
  const ids = [...new Set([...(await contactIdsByLookup(trx, ws, KIND.email, values)), ...(await contactIdsByLookup(trx, ws, KIND.phone, phoneValues))])];
  const byEmail = new Map<string, string>();
  const byPhone = new Map<string, string>();
  // Id order, as findDuplicate's lookups answer: the first contact holding a value wins.
  for (const c of await getContacts(ctx, trx, ws, ids.sort())) {
    for (const e of c.emails) if (!byEmail.has(e.address)) byEmail.set(e.address, c.id);
    for (const p of c.phones) if (!byPhone.has(p.number)) byPhone.set(p.number, c.id);
  }
  return people.map((p) => {
    for (const e of p.emails) {
      const hit = byEmail.get(e.address);
      if (hit) return hit;
    }
    for (const x of p.phones) {
      const hit = byPhone.get(x.number);
      if (hit) return hit;
    }
    return null;
  });
}
