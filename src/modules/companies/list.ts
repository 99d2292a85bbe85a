import type { Trx } from '../../platform/db/database.js';
import { AppError, badRequest, validationFailed } from '../../platform/errors.js';
import { MAX_QUERY_WORDS, TOKEN_BITS, TOKEN_INDEX, nameMatches, queryPrefix, searchWords } from './normalize.js';
import * as q from './queries.js';
import { openCompany, type Company, type CompanyVault } from './service.js';

/** The bound up to which a list sorts by name in memory (API.md "Sorting"). */
export const MAX_IN_MEMORY_SORT = 2_000;
/** Rows decrypted per round while filling a searched page. */
const SCAN_BATCH = 200;

export type CompanySort = 'createdAt' | '-createdAt' | 'updatedAt' | '-updatedAt' | 'name' | '-name';
export const COMPANY_SORTS: readonly CompanySort[] = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'name', '-name'];

export interface ListInput {
  workspaceId: string;
  limit: number;
  cursor?: string | undefined;
  sort: CompanySort;
  q?: string | undefined;
}

export interface CompanyPage {
  items: Company[];
  nextCursor: string | null;
}

/** Opaque cursors: a keyset position for date sorts, an offset for the in-memory name sort. */
type Cursor = { s: CompanySort; at: string; id: string } | { s: CompanySort; o: number };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(raw: string, sort: CompanySort): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<{ s: string; at: string; id: string; o: number }>;
    if (c.s === sort && typeof c.o === 'number' && Number.isSafeInteger(c.o) && c.o >= 0) return { s: sort, o: c.o };
    if (c.s === sort && typeof c.at === 'string' && !Number.isNaN(Date.parse(c.at)) && typeof c.id === 'string' && q.isUuid(c.id)) {
      return { s: sort, at: c.at, id: c.id };
    }
  } catch {
    // fall through: not one of ours
  }
  throw badRequest('The cursor is not valid for this list (was the sort changed?).', [{ path: 'cursor', message: 'Invalid cursor.' }]);
}

/** Each query word's token under every live key version (a rotation may be half done). */
async function searchPlan(trx: Trx, vault: CompanyVault, workspaceId: string, text: string | undefined) {
  if (text === undefined || text.trim() === '') return null;
  const words = [...new Set(searchWords(text))].filter((w) => queryPrefix(w) !== null).slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) throw validationFailed([{ path: 'q', message: 'Search with at least one word of 2 characters or more.' }]);
  const tokenSets: Buffer[][] = [];
  for (const w of words) tokenSets.push(await vault.blindIndexCandidates(trx, workspaceId, TOKEN_INDEX, queryPrefix(w)!, TOKEN_BITS));
  return { words, tokenSets };
}

/**
 * A page of companies. Date sorts walk the database in keyset order, decrypting
 * and re-checking search candidates until the page is full. The name is sealed,
 * so a name sort decrypts the whole (searched) set in memory, up to a bound.
 */
export async function listCompanies(trx: Trx, vault: CompanyVault, input: ListInput): Promise<CompanyPage> {
  const plan = await searchPlan(trx, vault, input.workspaceId, input.q);
  const cursor = input.cursor ? decodeCursor(input.cursor, input.sort) : null;
  if (input.sort === 'name' || input.sort === '-name') {
    const offset = cursor && 'o' in cursor ? cursor.o : 0;
    return nameSortedPage(trx, vault, input, plan, offset);
  }
  const desc = input.sort.startsWith('-');
  const column: q.SortColumn = input.sort.endsWith('createdAt') ? 'created_at' : 'updated_at';
  let after: q.Keyset | null = cursor && 'at' in cursor ? { at: new Date(cursor.at), id: cursor.id } : null;
  const items: Company[] = [];
  for (;;) {
    const batch = plan ? SCAN_BATCH : input.limit + 1 - items.length;
    const rows = await q.pageRows(trx, input.workspaceId, { column, desc, after, limit: batch, tokenSets: plan?.tokenSets ?? [] });
    for (const row of rows) {
      const c = await openCompany(trx, vault, row);
      if (!plan || nameMatches(c.name, plan.words)) items.push(c);
      if (items.length > input.limit) break;
    }
    if (items.length > input.limit || rows.length < batch) break;
    const last = rows[rows.length - 1]!;
    after = { at: last[column], id: last.id };
  }
  const more = items.length > input.limit;
  const page = items.slice(0, input.limit);
  const last = page[page.length - 1];
  const nextCursor = more && last
    ? encodeCursor({ s: input.sort, at: (column === 'created_at' ? last.createdAt : last.updatedAt).toISOString(), id: last.id })
    : null;
  return { items: page, nextCursor };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

async function nameSortedPage(
  trx: Trx, vault: CompanyVault, input: ListInput, plan: Awaited<ReturnType<typeof searchPlan>>, offset: number,
): Promise<CompanyPage> {
  const all: Company[] = [];
  let after: q.Keyset | null = null;
  for (;;) {
    const rows = await q.pageRows(trx, input.workspaceId, { column: 'created_at', desc: false, after, limit: 1000, tokenSets: plan?.tokenSets ?? [] });
    // Without a search every row is a result: count before decrypting any.
    if (!plan && all.length + rows.length > MAX_IN_MEMORY_SORT) throw sortTooLarge();
    for (const row of rows) {
      const c = await openCompany(trx, vault, row);
      if (!plan || nameMatches(c.name, plan.words)) all.push(c);
    }
    if (all.length > MAX_IN_MEMORY_SORT) throw sortTooLarge();
    if (rows.length < 1000) break;
    const last = rows[rows.length - 1]!;
    after = { at: last.created_at, id: last.id };
  }
  const sign = input.sort === '-name' ? -1 : 1;
  all.sort((a, b) => sign * collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = all.slice(offset, offset + input.limit);
  const next = offset + input.limit < all.length ? encodeCursor({ s: input.sort, o: offset + input.limit }) : null;
  return { items: page, nextCursor: next };
}

function sortTooLarge(): AppError {
  return new AppError(422, 'sort-too-large', 'Result set too large to sort by name',
    `Sorting by name works on up to ${MAX_IN_MEMORY_SORT} companies: narrow the list with q, or sort by createdAt or updatedAt.`,
    [{ path: 'sort', message: `More than ${MAX_IN_MEMORY_SORT} results.` }]);
}
