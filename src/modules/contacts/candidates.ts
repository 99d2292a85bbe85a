/**
 * The candidate query of lists and searches: contacts of the workspace,
 * narrowed by blind filters (every filter must hold), in a keyset order.
 * Terms filters are GIN conditions on `contacts.terms`: the database
 * intersects the words of a query itself and, for a common prefix, walks the
 * order's index filtering rows rather than collecting every match (ids are
 * random, so matches are spread evenly along it).
 */
import { sql, type RawBuilder } from 'kysely';
import { plainArray } from '../../platform/db/array-literal.js';
import type { Trx } from '../../platform/db/database.js';
import { CONTACT_COLUMNS_SQL, termsLiteral, type ContactRow } from './queries.js';

/**
 * One blind condition. Values are alternatives: one per live key version (two
 * during a rotation); an empty list matches nothing.
 */
export type BlindFilter =
  /** contacts.terms holds one of these terms (tokens, tags, country). */
  | { type: 'terms'; values: number[] }
  /** A contact_lookup row of this kind holds one of these values (email, phone). */
  | { type: 'lookup'; kind: number; values: Buffer[] }
  /** One of these contacts, sorted ascending: the holders of terms, found through the GIN index (termHolders). */
  | { type: 'ids'; values: string[] };

/** Metadata orders the database can serve (each has its index). */
export type KeyOrder = 'id' | 'createdAt' | 'updatedAt' | 'ownerId';

export interface Keyset {
  value: string | null;
  id: string;
}

const NIL_LAST = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

function orderExpr(order: KeyOrder): RawBuilder<unknown> {
  switch (order) {
    case 'id':
      return sql`c.id`;
    case 'createdAt':
      return sql`c.created_at`;
    case 'updatedAt':
      return sql`c.updated_at`;
    case 'ownerId':
      // Unowned contacts sort last; coalesce keeps the keyset comparison total.
      return sql`coalesce(c.owner_id, ${NIL_LAST}::uuid)`;
  }
}

/** The keyset value of a row for an order (what the next page continues after). */
export function keyOf(row: ContactRow, order: KeyOrder): Keyset {
  switch (order) {
    case 'id':
      return { value: null, id: row.id };
    case 'createdAt':
      return { value: new Date(row.created_at).toISOString(), id: row.id };
    case 'updatedAt':
      return { value: new Date(row.updated_at).toISOString(), id: row.id };
    case 'ownerId':
      return { value: row.owner_id ?? NIL_LAST, id: row.id };
  }
}

function afterCondition(order: KeyOrder, desc: boolean, after: Keyset): RawBuilder<unknown> {
  const op = desc ? sql.raw('<') : sql.raw('>');
  if (order === 'id') return sql`c.id ${op} ${after.id}::uuid`;
  const cast = order === 'ownerId' ? sql`${after.value}::uuid` : sql`${after.value}::timestamptz`;
  return sql`(${orderExpr(order)}, c.id) ${op} (${cast}, ${after.id}::uuid)`;
}

function inValues(values: readonly Buffer[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql`${v}`));
}

export interface CandidateQuery {
  workspaceId: string;
  filters: readonly BlindFilter[];
  /** Only contacts of this owner (record visibility 'own'); undefined: all. */
  ownerOnly?: string | null;
  /** Only contacts of this company (`contacts_company_id` index); undefined: any. */
  companyId?: string;
  /** An extra condition over alias `c` (a segment's rules), parameterized. */
  where?: RawBuilder<unknown>;
  order: KeyOrder;
  desc: boolean;
  after: Keyset | null;
  limit: number;
}

/** The blind filters as SQL over alias `c`; null when one can match nothing. */
function blindConditions(workspaceId: string, filters: readonly BlindFilter[]): Array<RawBuilder<unknown>> | null {
  if (filters.some((f) => f.values.length === 0)) return null;
  const conds: Array<RawBuilder<unknown>> = [];
  const terms = filters.filter((f): f is Extract<BlindFilter, { type: 'terms' }> => f.type === 'terms');
  if (terms.length > 0 && terms.every((f) => f.values.length === 1)) {
    // One containment for all words: one GIN scan intersecting their posting lists.
    conds.push(sql`c.terms @> ${termsLiteral(terms.map((f) => f.values[0]!))}::bigint[]`);
  } else {
    for (const f of terms) conds.push(sql`c.terms && ${termsLiteral(f.values)}::bigint[]`);
  }
  for (const f of filters) {
    if (f.type === 'lookup') {
      conds.push(sql`c.id in (select d.contact_id from contact_lookup d
        where d.workspace_id = ${workspaceId} and d.kind = ${f.kind} and d.value in (${inValues(f.values)}))`);
    } else if (f.type === 'ids') {
      conds.push(sql`c.id = any(${plainArray(f.values)}::uuid[])`);
    }
  }
  return conds;
}

/** The WHERE of a candidate query; null when a filter can match nothing. */
function conditions(q: Omit<CandidateQuery, 'order' | 'desc' | 'limit'> & Partial<Pick<CandidateQuery, 'order' | 'desc'>>): RawBuilder<unknown> | null {
  const blind = blindConditions(q.workspaceId, q.filters);
  if (!blind) return null;
  const conds: Array<RawBuilder<unknown>> = [sql`c.workspace_id = ${q.workspaceId}`, ...blind];
  if (q.ownerOnly !== undefined) conds.push(q.ownerOnly === null ? sql`false` : sql`c.owner_id = ${q.ownerOnly}`);
  if (q.companyId !== undefined) conds.push(sql`c.company_id = ${q.companyId}`);
  if (q.where) conds.push(q.where);
  if (q.after && q.order !== undefined) conds.push(afterCondition(q.order, q.desc ?? false, q.after));
  return sql.join(conds, sql` and `);
}

export async function candidateRows(trx: Trx, q: CandidateQuery): Promise<ContactRow[]> {
  const held = q.filters.find((f): f is Extract<BlindFilter, { type: 'ids' }> => f.type === 'ids');
  if (held && q.order === 'id') return heldRowsInIdOrder(trx, q, held.values);
  return queryRows(trx, q);
}

async function queryRows(trx: Trx, q: CandidateQuery): Promise<ContactRow[]> {
  const where = conditions(q);
  if (!where) return [];
  const dir = sql.raw(q.desc ? 'desc' : 'asc');
  const r = await sql<ContactRow>`select ${CONTACT_COLUMNS_SQL} from contacts c where ${where}
    order by ${orderExpr(q.order)} ${dir}, c.id ${dir} limit ${q.limit}`.execute(trx);
  return r.rows;
}

/**
 * Known holders in id order (the list is sorted: lower-case uuid text sorts
 * as the database compares uuids), fetched a window of `limit` at a time by
 * primary key, so a page reads about a page of rows however many people hold
 * the terms.
 */
async function heldRowsInIdOrder(trx: Trx, q: CandidateQuery, ids: readonly string[]): Promise<ContactRow[]> {
  const after = q.after?.id ?? null;
  const sorted = q.desc ? [...ids].reverse() : ids;
  const from = after === null ? 0 : sorted.findIndex((id) => (q.desc ? id < after : id > after));
  if (from < 0) return [];
  const out: ContactRow[] = [];
  for (let at = from; at < sorted.length && out.length < q.limit; at += q.limit) {
    const window = sorted.slice(at, at + q.limit);
    const filters: BlindFilter[] = [...q.filters.filter((f) => f.type !== 'ids'), { type: 'ids', values: window }];
    out.push(...(await queryRows(trx, { ...q, filters, after: null, limit: q.limit - out.length })));
  }
  return out;
}

/**
 * All candidates (whatever the order or cursor), counted up to `cap` without
 * decrypting a record. No cursor on purpose: the GIN index then answers with
 * the matching rows only (≈ 1 ms per thousand), where "after this id" made
 * the database walk the id order through every row until the cap (tens of
 * milliseconds for a common prefix).
 */
export async function candidateCount(trx: Trx, q: Omit<CandidateQuery, 'limit' | 'after' | 'order' | 'desc'>, cap: number): Promise<number> {
  const where = conditions({ ...q, after: null });
  if (!where) return 0;
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from contacts c where ${where} limit ${cap}) s`.execute(trx);
  return r.rows[0]?.n ?? 0;
}

/**
 * The contacts of the transaction's workspace holding every one of `terms`,
 * through the GIN index (migration 0023: row-level security keeps the app
 * role's own `terms @> …` from using it), or null when there are more than
 * `cap`: a common word is better served by walking the id order.
 */
export async function termHolders(trx: Trx, terms: readonly number[], cap: number): Promise<string[] | null> {
  const r = await sql<{ id: string }>`select confidant_contacts_holding(${termsLiteral(terms)}::bigint[], ${cap + 1}) as id`.execute(trx);
  return r.rows.length > cap ? null : r.rows.map((x) => x.id).sort();
}

/**
 * How many candidates the database's statistics expect (its plan's row
 * estimate; nothing is read). For a common word that is exact enough to say
 * "1,000+" without counting; a rare word's estimate is low and gets counted.
 */
export async function candidateEstimate(trx: Trx, q: Omit<CandidateQuery, 'limit' | 'after' | 'order' | 'desc'>): Promise<number> {
  const where = conditions({ ...q, after: null });
  if (!where) return 0;
  const r = await sql<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>`explain (format json) select 1 from contacts c where ${where}`.execute(trx);
  const plan = r.rows[0]?.['QUERY PLAN'];
  return plan?.[0]?.Plan['Plan Rows'] ?? 0;
}

/** Contacts visible to the list (of one company when given), counted up to `cap` (no filter: no decryption needed). */
export async function countVisible(trx: Trx, workspaceId: string, ownerOnly: string | null | undefined, cap: number, companyId?: string): Promise<number> {
  const owner = ownerOnly === undefined ? sql`true` : ownerOnly === null ? sql`false` : sql`owner_id = ${ownerOnly}`;
  const company = companyId === undefined ? sql`true` : sql`company_id = ${companyId}`;
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from contacts
    where workspace_id = ${workspaceId} and ${owner} and ${company} limit ${cap}) s`.execute(trx);
  return r.rows[0]?.n ?? 0;
}
