/**
 * The candidate query of lists and searches: contacts of the workspace,
 * narrowed by blind lookup filters (every filter must hold: the smallest
 * drives, the others are index probes), in a keyset order.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { ContactRow } from './queries.js';

export interface LookupFilter {
  kind: number;
  /** Blind index values: one per live key version (two during a rotation). */
  values: Buffer[];
}

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
  /** Filters sorted smallest first by the caller; the first drives. */
  filters: readonly LookupFilter[];
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

/** The WHERE of a candidate query; null when a filter can match nothing. */
function conditions(q: Omit<CandidateQuery, 'order' | 'desc' | 'limit'> & Partial<Pick<CandidateQuery, 'order' | 'desc'>>): RawBuilder<unknown> | null {
  const conds: Array<RawBuilder<unknown>> = [sql`c.workspace_id = ${q.workspaceId}`];
  const [driver, ...probes] = q.filters;
  if (driver) {
    if (driver.values.length === 0) return null;
    conds.push(sql`c.id in (select d.contact_id from contact_lookup d
      where d.workspace_id = ${q.workspaceId} and d.kind = ${driver.kind} and d.value in (${inValues(driver.values)}))`);
  }
  for (const f of probes) {
    if (f.values.length === 0) return null;
    conds.push(sql`exists (select 1 from contact_lookup l where l.workspace_id = c.workspace_id
      and l.kind = ${f.kind} and l.value in (${inValues(f.values)}) and l.contact_id = c.id)`);
  }
  if (q.ownerOnly !== undefined) conds.push(q.ownerOnly === null ? sql`false` : sql`c.owner_id = ${q.ownerOnly}`);
  if (q.companyId !== undefined) conds.push(sql`c.company_id = ${q.companyId}`);
  if (q.where) conds.push(q.where);
  if (q.after && q.order !== undefined) conds.push(afterCondition(q.order, q.desc ?? false, q.after));
  return sql.join(conds, sql` and `);
}

export async function candidateRows(trx: Trx, q: CandidateQuery): Promise<ContactRow[]> {
  const driven = lookupDriven(q);
  if (driven) {
    const r = await sql<ContactRow>`select c.* from ${driven.from} where ${driven.where}
      order by d.contact_id ${driven.dir} limit ${q.limit}`.execute(trx);
    return r.rows;
  }
  const where = conditions(q);
  if (!where) return [];
  const dir = sql.raw(q.desc ? 'desc' : 'asc');
  const r = await sql<ContactRow>`select c.* from contacts c where ${where}
    order by ${orderExpr(q.order)} ${dir}, c.id ${dir} limit ${q.limit}`.execute(trx);
  return r.rows;
}

/**
 * The common search — one driving lookup value (no rotation in progress), in
 * id order — read straight off the lookup's primary key (workspace, kind,
 * value, contact_id), which is already in contact_id order: the database
 * walks the index from the cursor and stops at the limit, instead of
 * collecting every match of a common prefix (tens of thousands) to sort them.
 * Null when the query is not of that shape (the general form serves it).
 */
function lookupDriven(
  q: Omit<CandidateQuery, 'limit'>,
): { from: RawBuilder<unknown>; where: RawBuilder<unknown>; lookupWhere: RawBuilder<unknown>; dir: RawBuilder<unknown> } | null {
  const [driver, ...probes] = q.filters;
  if (!driver || driver.values.length !== 1 || (q.order ?? 'id') !== 'id') return null;
  const rest = conditions({ ...q, filters: probes, after: null });
  if (!rest) return null;
  const own = [sql`d.workspace_id = ${q.workspaceId} and d.kind = ${driver.kind} and d.value = ${driver.values[0]!}`];
  if (q.after) own.push(sql`d.contact_id ${sql.raw(q.desc ? '<' : '>')} ${q.after.id}::uuid`);
  return {
    from: sql`contact_lookup d join contacts c on c.workspace_id = d.workspace_id and c.id = d.contact_id`,
    where: sql.join([...own, rest], sql` and `),
    lookupWhere: sql.join(own, sql` and `),
    dir: sql.raw(q.desc ? 'desc' : 'asc'),
  };
}

/**
 * Candidates after `after` (in the query's order), counted up to `cap`
 * without reading or decrypting a record: index work only.
 */
export async function candidateCount(trx: Trx, q: Omit<CandidateQuery, 'limit'>, cap: number): Promise<number> {
  const driven = lookupDriven(q);
  if (driven) {
    // Nothing narrows beyond the driving value: its lookup rows alone answer (an index-only count; the
    // foreign key guarantees each names a contact of the workspace).
    const lookupOnly = q.filters.length === 1 && q.ownerOnly === undefined && q.companyId === undefined && q.where === undefined;
    const r = lookupOnly
      ? await sql<{ n: number }>`select count(*)::int as n from (select 1 from contact_lookup d where ${driven.lookupWhere} limit ${cap}) s`.execute(trx)
      : await sql<{ n: number }>`select count(*)::int as n from (select 1 from ${driven.from} where ${driven.where} limit ${cap}) s`.execute(trx);
    return r.rows[0]?.n ?? 0;
  }
  const where = conditions(q);
  if (!where) return 0;
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from contacts c where ${where} limit ${cap}) s`.execute(trx);
  return r.rows[0]?.n ?? 0;
}

/** How many contacts a filter's lookup rows name, counted up to `cap` (to pick the driving filter). */
export async function filterSize(trx: Trx, workspaceId: string, f: LookupFilter, cap: number): Promise<number> {
  if (f.values.length === 0) return 0;
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from contact_lookup
    where workspace_id = ${workspaceId} and kind = ${f.kind} and value in (${inValues(f.values)}) limit ${cap}) s`.execute(trx);
  return r.rows[0]?.n ?? 0;
}

/** Contacts visible to the list (of one company when given), counted up to `cap` (no filter: no decryption needed). */
export async function countVisible(trx: Trx, workspaceId: string, ownerOnly: string | null | undefined, cap: number, companyId?: string): Promise<number> {
  const owner = ownerOnly === undefined ? sql`true` : ownerOnly === null ? sql`false` : sql`owner_id = ${ownerOnly}`;
  const company = companyId === undefined ? sql`true` : sql`company_id = ${companyId}`;
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from contacts
    where workspace_id = ${workspaceId} and ${owner} and ${company} limit ${cap}) s`.execute(trx);
  return r.rows[0]?.n ?? 0;
}
