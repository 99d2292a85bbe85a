/**
 * Lists and searches (docs/crm-contacts.md "Search" and "Sorting"). Blind
 * lookups narrow to candidates; every candidate is decrypted in batches (one
 * key query per batch) and re-checked before it is shown or counted.
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { badRequest, validationFailed } from '../../platform/errors.js';
import { candidateCount, candidateEstimate, candidateRows, countVisible, keyOf, termHolders, type BlindFilter, type CandidateQuery, type KeyOrder, type Keyset } from './candidates.js';
import { INDEXES, TOKEN_INDEX } from './lookup.js';
import { matchesAll, normalizeEmail, normalizeTag, queryToken, queryWords } from './normalize.js';
import { encodeCursor, verifyBatch, type Cursor, type ListRequest, type Match, type Plan } from './matches.js';
import { KIND } from './queries.js';
import { openRecords, searchableWords, type ContactRecord } from './record.js';
import { termOf, valueOfIndex, workspaceTag } from './terms.js';
import type { ContactView } from './schemas.js';
import { toView } from './service.js';
import { sortInMemory } from './sort-memory.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

/** Totals are exact up to this, then "1,000+". */
export const TOTAL_CAP = 1000;

export interface ListPage {
  items: ContactView[];
  nextCursor: string | null;
  total?: number;
  totalIsLowerBound?: boolean;
  /** The total was estimated from a sample, not counted (large result sets). */
  totalIsEstimate?: boolean;
  /** What the read was: a search (q, email, tag) or a plain list. */
  searched: boolean;
}

async function planOf(ctx: Ctx, trx: Trx, ws: string, req: ListRequest): Promise<Plan> {
  const filters: BlindFilter[] = [];
  const words = req.q === undefined ? [] : queryWords(req.q);
  if (req.q !== undefined && words.length === 0) {
    throw validationFailed([{ path: 'q', message: 'Search words need two characters or more.' }]);
  }
  const tagOfWs = workspaceTag(ws);
  if (words.length > 0) {
    const prfs = await ctx.vault.blockIndexCandidates(trx, ws, TOKEN_INDEX.name);
    for (const token of new Set(words.map(queryToken))) {
      filters.push({ type: 'terms', values: prfs.map((p) => termOf(tagOfWs, 'token', p.one(token, TOKEN_INDEX.bits))) });
    }
  }
  const email = req.email === undefined ? null : normalizeEmail(req.email);
  if (email !== null) {
    filters.push({ type: 'lookup', kind: KIND.email, values: await ctx.vault.blindIndexCandidates(trx, ws, INDEXES.email.name, email, INDEXES.email.bits) });
  }
  const tag = req.tag === undefined ? null : normalizeTag(req.tag);
  if (tag !== null) {
    const values = await ctx.vault.blindIndexCandidates(trx, ws, INDEXES.tag.name, tag, INDEXES.tag.bits);
    filters.push({ type: 'terms', values: values.map((v) => termOf(tagOfWs, 'tag', valueOfIndex(v))) });
  }
  await heldByIds(trx, ws, filters);
  const verify = (record: ContactRecord, companyName: string | null): boolean =>
    (words.length === 0 || matchesAll(words, searchableWords(record, companyName))) &&
    (email === null || record.emails.some((e) => e.address === email)) &&
    (tag === null || record.tags.some((t) => normalizeTag(t) === tag)) &&
    (req.scope === undefined || req.scope.verify(record));
  return { filters, verify, ...(req.scope ? { where: req.scope.where } : {}) };
}

/** Terms held by fewer people than this are looked up through the GIN index (termHolders); more walk the id order. */
const HOLDERS_CAP = 8_000;

/**
 * Replaces the terms filters (one value each: no rotation running) by the
 * list of their holders when the statistics expect few: the GIN lookup, which
 * the app role's own query cannot use under row-level security (migration
 * 0023). A common word keeps its terms filter: walking the id order finds a
 * page of it at once. Sorted, the list serves pages in id order by key.
 */
export async function heldByIds(trx: Trx, ws: string, filters: BlindFilter[]): Promise<void> {
  const terms = filters.filter((f): f is Extract<BlindFilter, { type: 'terms' }> => f.type === 'terms');
  if (terms.length === 0 || terms.some((f) => f.values.length !== 1)) return;
  if ((await candidateEstimate(trx, { workspaceId: ws, filters: terms })) > HOLDERS_CAP) return;
  const ids = await termHolders(trx, terms.map((f) => f.values[0]!), HOLDERS_CAP);
  if (ids === null) return;
  const rest = filters.filter((f) => f.type !== 'terms');
  filters.splice(0, filters.length, ...rest, { type: 'ids', values: ids });
}

function decodeCursor(raw: string | undefined, sort: string): Cursor | null {
  if (raw === undefined || raw === '') return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (c.s !== sort || (c.k !== 'key' && c.k !== 'mem')) throw new Error('cursor of another list');
    if (c.k === 'mem' && !(Number.isInteger(c.offset) && c.offset >= 0)) throw new Error('bad offset');
    if (c.k === 'key' && !/^[0-9a-f-]{36}$/.test(c.after.id)) throw new Error('bad id');
    return c;
  } catch {
    throw badRequest('The cursor is not valid for this list.', [{ path: 'cursor', message: 'Invalid cursor.' }]);
  }
}

const METADATA: Record<string, KeyOrder> = { createdAt: 'createdAt', updatedAt: 'updatedAt', ownerId: 'ownerId' };

/** GET /contacts: one page. Audit is the caller's (it knows the purpose and who asks). */
export async function listContacts(ctx: Ctx, trx: Trx, ws: string, req: ListRequest): Promise<ListPage> {
  const plan = await planOf(ctx, trx, ws, req);
  // A scope needs the verifying page loop too (its candidates are re-checked).
  const searched = plan.filters.length > 0 || plan.where !== undefined;
  const sort = req.sort ?? (searched ? 'id' : '-createdAt');
  const field = sort.replace(/^-/, '');
  const desc = sort.startsWith('-');
  const cursor = decodeCursor(req.cursor, sort);
  if (field !== 'id' && METADATA[field] === undefined) {
    return { ...(await sortInMemory(ctx, trx, ws, plan, req, field, desc, cursor?.k === 'mem' ? cursor.offset : 0, sort)), searched };
  }
  const order: KeyOrder = field === 'id' ? 'id' : METADATA[field]!;
  const after = cursor?.k === 'key' ? cursor.after : null;
  const page = searched
    ? await searchPage(ctx, trx, ws, plan, req, order, desc, after)
    : await plainPage(ctx, trx, ws, req, order, desc, after);
  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map((m) => toView(m.row, m.record)),
    nextCursor: page.more && last ? encodeCursor({ k: 'key', s: sort, after: keyOf(last.row, order) }) : null,
    ...(page.total === undefined ? {} : { total: Math.min(page.total, TOTAL_CAP), totalIsLowerBound: page.total > TOTAL_CAP }),
    ...(page.estimated ? { totalIsEstimate: true } : {}),
    searched,
  };
}

interface RawPage {
  items: Match[];
  more: boolean;
  total?: number;
  /** The total is an estimate (see searchPage). */
  estimated?: boolean;
}

async function plainPage(ctx: Ctx, trx: Trx, ws: string, req: ListRequest, order: KeyOrder, desc: boolean, after: Keyset | null): Promise<RawPage> {
  const rows = await candidateRows(trx, { workspaceId: ws, filters: [], ownerOnly: req.ownerOnly, companyId: req.companyId, order, desc, after, limit: req.limit + 1 });
  const shown = rows.slice(0, req.limit);
  const records = await openRecords(trx, ctx.vault, ws, shown);
  const total = after === null ? await countVisible(trx, ws, req.ownerOnly, TOTAL_CAP + 1, req.companyId) : undefined;
  return { items: shown.map((row) => ({ row, record: records.get(row.id)! })), more: rows.length > req.limit, ...(total === undefined ? {} : { total }) };
}

/** The first batch of candidates is the sample the estimate rests on (ids are random: the order is not biased). */
const MIN_SAMPLE = 50;
/**
 * Past a full first page, up to this many more candidates are decrypted for
 * an exact total; more than that and the total is estimated from the first
 * batch's match rate and an index count (nothing decrypted). Each candidate
 * costs a key unwrap, AES-GCM and a re-check: decrypting a thousand to say
 * "1,234" was what made common prefixes slow (docs/performance.md).
 */
const EXACT_BUDGET = 300;
/** Estimates keep two significant digits: the third would be noise. */
const roundEstimate = (n: number): number => {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(n, 1))) - 1);
  return Math.round(n / unit) * unit;
};

/**
 * Candidates after the first `seen` (those read so far, in the query's
 * order), up to about `cap`. When the statistics expect far more than the cap
 * their estimate is the answer; otherwise the candidates are counted (all of
 * them, minus those seen: a count from a cursor walks the id order instead of
 * the GIN index).
 */
async function remainingCandidates(trx: Trx, q: Omit<CandidateQuery, 'limit' | 'after' | 'order' | 'desc'>, seen: number, cap: number): Promise<number> {
  const [only] = q.filters;
  // The holders are known and nothing else narrows: they are the candidates.
  if (q.filters.length === 1 && only?.type === 'ids' && q.ownerOnly === undefined && q.companyId === undefined && q.where === undefined) {
    return Math.max(0, only.values.length - seen);
  }
  const expected = (await candidateEstimate(trx, q)) - seen;
  if (expected > cap * 4) return expected;
  return Math.max(0, (await candidateCount(trx, q, cap + seen)) - seen);
}

/**
 * Fills a page from verified candidates, batch by batch, and knows whether
 * another match follows. The first page also answers `total`: exact when the
 * candidates left after a full page fit EXACT_BUDGET, otherwise an estimate
 * (flagged) — "1,000+" when it passes TOTAL_CAP.
 */
async function searchPage(ctx: Ctx, trx: Trx, ws: string, plan: Plan, req: ListRequest, order: KeyOrder, desc: boolean, after: Keyset | null): Promise<RawPage> {
  const counting = after === null;
  // A page and one more: with 20-bit tokens nearly every candidate matches, so a larger batch mostly decrypts
  // records that are not shown.
  const batch = Math.max(MIN_SAMPLE, req.limit + 1);
  const query = { workspaceId: ws, filters: plan.filters, ownerOnly: req.ownerOnly, companyId: req.companyId, where: plan.where, order, desc };
  const items: Match[] = [];
  let verified = 0;
  let seen = 0;
  let cursor = after;
  let counted = false;
  for (;;) {
    const rows = await candidateRows(trx, { ...query, after: cursor, limit: batch });
    for (const m of await verifyBatch(ctx, trx, ws, plan, rows)) {
      verified += 1;
      if (items.length < req.limit) items.push(m);
    }
    seen += rows.length;
    const last = rows[rows.length - 1];
    if (rows.length < batch || !last) return { items, more: verified > items.length, ...(counting ? { total: verified } : {}) };
    if (!counting && verified > req.limit) return { items, more: true };
    cursor = keyOf(last, order);
    if (counting && !counted && items.length === req.limit && verified > 0) {
      // One index count, capped where the estimate would pass the cap anyway.
      counted = true;
      const cap = Math.max(EXACT_BUDGET, Math.ceil((TOTAL_CAP * seen) / verified)) + 1;
      const remaining = await remainingCandidates(trx, query, seen, cap);
      if (remaining > EXACT_BUDGET) {
        const estimate = verified + (remaining * verified) / seen;
        return { items, more: true, total: estimate > TOTAL_CAP ? TOTAL_CAP + 1 : roundEstimate(estimate), estimated: true };
      }
    }
  }
}
