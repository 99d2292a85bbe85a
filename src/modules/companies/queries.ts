import type { Insertable, Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export interface CompaniesTable {
  workspace_id: string;
  id: string;
  record_version: number;
  record: Buffer;
  name_bidx: Buffer;
  owner_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CompanyTokensTable {
  workspace_id: string;
  company_id: string;
  token: Buffer;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    companies: CompaniesTable;
    company_tokens: CompanyTokensTable;
  }
}

export type CompanyRow = Selectable<CompaniesTable>;
export type SortColumn = 'created_at' | 'updated_at';

/** A keyset position: rows strictly after (or before, descending) it come next. */
export interface Keyset {
  at: Date;
  id: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string): boolean => UUID_RE.test(v);

/** Rows go in batches so a bulk insert stays under the protocol's parameter limit. */
const BATCH = 1000;

export async function insertCompanyRows(trx: Trx, rows: ReadonlyArray<Insertable<CompaniesTable>>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await trx.insertInto('companies').values(rows.slice(i, i + BATCH)).execute();
  }
}

export async function insertTokenRows(trx: Trx, rows: ReadonlyArray<CompanyTokensTable>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH * 2) {
    await trx.insertInto('company_tokens').values(rows.slice(i, i + BATCH * 2)).execute();
  }
}

export async function deleteTokens(trx: Trx, workspaceId: string, companyIds: readonly string[]): Promise<void> {
  if (companyIds.length === 0) return;
  await trx.deleteFrom('company_tokens').where('workspace_id', '=', workspaceId).where('company_id', 'in', [...companyIds]).execute();
}

export async function companyRow(trx: Trx, workspaceId: string, id: string, forUpdate = false): Promise<CompanyRow | undefined> {
  if (!isUuid(id)) return undefined;
  let q = trx.selectFrom('companies').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function companyRows(trx: Trx, workspaceId: string, ids: readonly string[]): Promise<CompanyRow[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return trx.selectFrom('companies').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', valid).execute();
}

export async function companyRowsByNameIndex(trx: Trx, workspaceId: string, indexes: readonly Buffer[]): Promise<CompanyRow[]> {
  if (indexes.length === 0) return [];
  return trx.selectFrom('companies').selectAll().where('workspace_id', '=', workspaceId)
    .where('name_bidx', 'in', [...indexes]).orderBy('created_at').orderBy('id').execute();
}

export async function updateCompanyRow(
  trx: Trx, workspaceId: string, id: string,
  set: Pick<CompanyRow, 'record' | 'record_version' | 'name_bidx' | 'owner_id' | 'updated_at'>,
): Promise<void> {
  await trx.updateTable('companies').set(set).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export async function setNameIndex(trx: Trx, workspaceId: string, id: string, nameBidx: Buffer): Promise<void> {
  await trx.updateTable('companies').set({ name_bidx: nameBidx }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export async function deleteCompanyRow(trx: Trx, workspaceId: string, id: string): Promise<boolean> {
  const r = await trx.deleteFrom('companies').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/**
 * One page of rows in (column, id) order after `after`, optionally only those
 * holding, for every query word, one of that word's tokens (one per key version).
 */
export async function pageRows(
  trx: Trx,
  workspaceId: string,
  opts: { column: SortColumn; desc: boolean; after: Keyset | null; limit: number; tokenSets: readonly Buffer[][] },
): Promise<CompanyRow[]> {
  const dir = opts.desc ? 'desc' : 'asc';
  let q = trx.selectFrom('companies').selectAll().where('workspace_id', '=', workspaceId);
  for (const set of opts.tokenSets) {
    q = q.where('id', 'in', (eb) =>
      eb.selectFrom('company_tokens').select('company_id').where('workspace_id', '=', workspaceId).where('token', 'in', set));
  }
  const after = opts.after;
  if (after) {
    q = q.where((eb) => eb(eb.refTuple(opts.column, 'id'), opts.desc ? '<' : '>', eb.tuple(after.at, after.id)));
  }
  return q.orderBy(opts.column, dir).orderBy('id', dir).limit(opts.limit).execute();
}

/** Every row of the workspace in id order after `afterId` (the re-indexer walks them). */
export async function rowsAfter(trx: Trx, workspaceId: string, afterId: string | null, limit: number): Promise<CompanyRow[]> {
  let q = trx.selectFrom('companies').selectAll().where('workspace_id', '=', workspaceId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}
