/** All SQL of the contacts module (routes and services never build SQL). */
import { sql, type Insertable, type Selectable } from 'kysely';
import { plainArray } from '../../platform/db/array-literal.js';
import type { Trx } from '../../platform/db/database.js';
import { termsLiteral } from './terms.js';

export interface ContactsTable {
  workspace_id: string;
  id: string;
  record_version: number;
  record: Buffer;
  special: Buffer | null;
  owner_id: string | null;
  company_id: string | null;
  lawful_basis: string;
  created_at: Date;
  updated_at: Date;
  created_by: string | null;
}

/**
 * Exact blind lookups (email 1, phone 2): B-tree rows, read in contact id
 * order. Tokens, tags and country live in `contacts.terms` (terms.ts).
 */
export interface ContactLookupTable {
  workspace_id: string;
  kind: number;
  value: Buffer;
  contact_id: string;
}

/** A pending re-token of a company's contacts after a rename (migration 0017). */
export interface ContactCompanyRetokenTable {
  workspace_id: string;
  company_id: string;
  generation: string | number;
  after_id: string | null;
  requested_at: Date;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    contacts: ContactsTable;
    contact_lookup: ContactLookupTable;
    contact_company_retoken: ContactCompanyRetokenTable;
  }
}

export type ContactRow = Selectable<ContactsTable>;
export type LookupRow = Insertable<ContactLookupTable>;

export { KIND, type LookupKind } from './indexes.js';

/**
 * The columns of a contact row, without `terms` (GIN-only: never read back,
 * ≈ 200 bytes a row that no caller needs).
 */
export const CONTACT_COLUMNS = [
  'workspace_id', 'id', 'record_version', 'record', 'special', 'owner_id', 'company_id', 'lawful_basis', 'created_at', 'updated_at', 'created_by',
] as const;
/** CONTACT_COLUMNS for raw SQL over alias `c`. */
export const CONTACT_COLUMNS_SQL = sql.raw(CONTACT_COLUMNS.map((c) => `c.${c}`).join(', '));

export { termsLiteral };

/** Rows per insert statement: one array parameter per column, so the statement does not grow with the rows. */
const INSERT_CHUNK = 5_000;

/** A new contact row as inserted: ciphertext hex-encoded, with its blind values. */
export interface NewContactRow {
  id: string;
  recordHex: string;
  specialHex: string | null;
  ownerId: string | null;
  companyId: string | null;
  lawfulBasis: string;
  createdBy: string | null;
  /** The blind terms as an array literal (termsLiteral), built where they were computed. */
  termsLiteral: string;
  lookups: ReadonlyArray<{ kind: number; valueHex: string }>;
}

const TERMS_LITERAL = /^\{[0-9,]*\}$/;

/** A text[] literal of term lists, each element quoted ("{1,2}"), cast per row to bigint[]. */
function termsArray(rows: ReadonlyArray<{ termsLiteral: string }>): string {
  return `{${rows.map((r) => {
    if (!TERMS_LITERAL.test(r.termsLiteral)) throw new Error('not a terms literal');
    return `"${r.termsLiteral}"`;
  }).join(',')}}`;
}

/**
 * New contacts (record version 1) and their lookup rows, one statement per
 * 5,000 (contact_lookup has no foreign key to wait for): column arrays
 * unnested server-side.
 */
export async function insertContactRows(trx: Trx, workspaceId: string, now: Date, rows: readonly NewContactRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const part = rows.slice(i, i + INSERT_CHUNK);
    const lookups = part.flatMap((c) => c.lookups.map((l) => ({ id: c.id, kind: l.kind, hex: l.valueHex })));
    await sql`with c as (
        insert into contacts (workspace_id, id, record_version, record, special, owner_id, company_id, lawful_basis, created_at, updated_at, created_by, terms)
        select ${workspaceId}::uuid, id, 1, decode(r, 'hex'), decode(s, 'hex'), o, co, lb, ${now}::timestamptz, ${now}::timestamptz, cb, t::bigint[]
        from unnest(${plainArray(part.map((c) => c.id))}::uuid[], ${plainArray(part.map((c) => c.recordHex))}::text[],
          ${plainArray(part.map((c) => c.specialHex))}::text[], ${plainArray(part.map((c) => c.ownerId))}::uuid[],
          ${plainArray(part.map((c) => c.companyId))}::uuid[], ${plainArray(part.map((c) => c.lawfulBasis))}::text[],
          ${plainArray(part.map((c) => c.createdBy))}::uuid[], ${termsArray(part)}::text[]) as x(id, r, s, o, co, lb, cb, t)
      )
      insert into contact_lookup (workspace_id, kind, value, contact_id)
      select ${workspaceId}::uuid, k, decode(v, 'hex'), id
      from unnest(${plainArray(lookups.map((l) => l.id))}::uuid[], ${plainArray(lookups.map((l) => l.kind))}::smallint[],
        ${plainArray(lookups.map((l) => l.hex))}::text[]) as y(id, k, v)
      on conflict do nothing`.execute(trx);
  }
}

/** Sets the blind terms of many contacts (a re-index, a company re-token). */
export async function updateTerms(trx: Trx, workspaceId: string, rows: ReadonlyArray<{ id: string; terms: readonly number[] }>): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const part = rows.slice(i, i + INSERT_CHUNK);
    await sql`update contacts c set terms = x.t::bigint[]
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => termsLiteral(r.terms))}::text[]) as x(id, t)
      where c.workspace_id = ${workspaceId} and c.id = x.id`.execute(trx);
  }
}

/** Lookup rows per statement: four array parameters, so the statement's size does not grow with the rows. */
const LOOKUP_CHUNK = 10_000;

/**
 * Lookup rows as four arrays unnested server-side (one short statement per
 * 10,000 rows) rather than a VALUES list of 4 parameters per row: an import
 * writes ≈ 29 rows per person. Values travel hex-encoded (text[]), which both
 * drivers pass the same way.
 */
export async function insertLookupRows(trx: Trx, rows: readonly LookupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
    const chunk = rows.slice(i, i + LOOKUP_CHUNK);
    await sql`insert into contact_lookup (workspace_id, kind, value, contact_id)
      select w, k, decode(v, 'hex'), c
      from unnest(${chunk.map((r) => r.workspace_id)}::uuid[], ${chunk.map((r) => r.kind)}::smallint[],
        ${chunk.map((r) => Buffer.from(r.value).toString('hex'))}::text[], ${chunk.map((r) => r.contact_id)}::uuid[]) as t(w, k, v, c)
      on conflict do nothing`.execute(trx);
  }
}

export async function deleteLookupRows(trx: Trx, workspaceId: string, contactIds: readonly string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await trx.deleteFrom('contact_lookup').where('workspace_id', '=', workspaceId).where('contact_id', 'in', [...contactIds]).execute();
}

export async function deleteAllLookupRows(trx: Trx, workspaceId: string): Promise<void> {
  await trx.deleteFrom('contact_lookup').where('workspace_id', '=', workspaceId).execute();
}

export async function contactRowsByIds(trx: Trx, workspaceId: string, ids: readonly string[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  return trx.selectFrom('contacts').select(CONTACT_COLUMNS).where('workspace_id', '=', workspaceId).where('id', 'in', [...ids]).orderBy('id').execute();
}

/** Contacts whose lookup rows of `kind` hold any of `values` (the blind-index candidates). */
export async function contactIdsByLookup(trx: Trx, workspaceId: string, kind: number, values: readonly Buffer[]): Promise<string[]> {
  if (values.length === 0) return [];
  const rows = await trx
    .selectFrom('contact_lookup')
    .select('contact_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('value', 'in', [...values])
    .orderBy('contact_id')
    .execute();
  return rows.map((r) => r.contact_id);
}

/** A page of ids for the re-indexer, in id order. */
export async function contactRowsAfter(trx: Trx, workspaceId: string, afterId: string | null, limit: number): Promise<ContactRow[]> {
  let q = trx.selectFrom('contacts').select(CONTACT_COLUMNS).where('workspace_id', '=', workspaceId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

/** Writes a new version of a contact (and its blind terms) only if nobody wrote one meanwhile. */
export async function updateContactRow(
  trx: Trx,
  workspaceId: string,
  id: string,
  previousVersion: number,
  set: Pick<ContactsTable, 'record' | 'special' | 'record_version' | 'owner_id' | 'company_id' | 'lawful_basis' | 'updated_at'>,
  terms: readonly number[],
): Promise<boolean> {
  const r = await sql`update contacts set record = ${set.record}, special = ${set.special}, record_version = ${set.record_version},
      owner_id = ${set.owner_id}, company_id = ${set.company_id}, lawful_basis = ${set.lawful_basis}, updated_at = ${set.updated_at},
      terms = ${termsLiteral(terms)}::bigint[]
    where workspace_id = ${workspaceId} and id = ${id} and record_version = ${previousVersion}`.execute(trx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export async function deleteContactRow(trx: Trx, workspaceId: string, id: string): Promise<void> {
  await trx.deleteFrom('contacts').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Whether a user is a member of the workspace: identity answers it (deps.ts); prepare.ts asks here. */
export { memberExists } from './deps.js';

/** A company's contacts after `afterId`, in id order (index contacts_company_id). */
export async function companyContactsAfter(trx: Trx, workspaceId: string, companyId: string, afterId: string | null, limit: number): Promise<ContactRow[]> {
  let q = trx.selectFrom('contacts').select(CONTACT_COLUMNS).where('workspace_id', '=', workspaceId).where('company_id', '=', companyId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

/** Asks for a (new) re-token run of a company's contacts: a new generation, from the start. */
export async function requestRetoken(trx: Trx, workspaceId: string, companyId: string, now: Date): Promise<void> {
  await sql`insert into contact_company_retoken (workspace_id, company_id, generation, after_id, requested_at)
    values (${workspaceId}, ${companyId}, 1, null, ${now})
    on conflict (workspace_id, company_id) do update
      set generation = contact_company_retoken.generation + 1, after_id = null, requested_at = excluded.requested_at`.execute(trx);
}

/** Serializes the re-token batches of one company (transaction-scoped). */
export async function lockRetoken(trx: Trx, workspaceId: string, companyId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`confidant.contacts.retoken:${workspaceId}:${companyId}`}, 0))`.execute(trx);
}

export async function retokenProgress(trx: Trx, workspaceId: string, companyId: string): Promise<{ generation: number; afterId: string | null } | null> {
  const r = await trx.selectFrom('contact_company_retoken').select(['generation', 'after_id'])
    .where('workspace_id', '=', workspaceId).where('company_id', '=', companyId).executeTakeFirst();
  return r ? { generation: Number(r.generation), afterId: r.after_id } : null;
}

/**
 * Moves the run on to after `afterId`, or ends it (null), only if no rename
 * started a new generation meanwhile. False when one did.
 */
export async function advanceRetoken(trx: Trx, workspaceId: string, companyId: string, generation: number, afterId: string | null): Promise<boolean> {
  const where = sql`workspace_id = ${workspaceId} and company_id = ${companyId} and generation = ${generation}`;
  const r = afterId === null
    ? await sql`delete from contact_company_retoken where ${where}`.execute(trx)
    : await sql`update contact_company_retoken set after_id = ${afterId} where ${where}`.execute(trx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export interface LookupKey {
  kind: number;
  value: Buffer;
  contact_id: string;
}

/**
 * A page of the workspace's exact lookup values (emails, phones) in primary
 * key order after `after`: an import loads them into memory once, to match
 * duplicates without a query per row.
 */
export async function lookupValuesAfter(trx: Trx, workspaceId: string, after: LookupKey | null, limit: number): Promise<LookupKey[]> {
  const from = after === null ? sql`true` : sql`(kind, value, contact_id) > (${after.kind}, ${after.value}, ${after.contact_id}::uuid)`;
  const r = await sql<LookupKey>`select kind, value, contact_id from contact_lookup
    where workspace_id = ${workspaceId} and ${from} order by kind, value, contact_id limit ${limit}`.execute(trx);
  return r.rows;
}
