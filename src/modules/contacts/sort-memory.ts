/**
 * Sorting by a personal field (lastName, firstName, email): the database
 * cannot order ciphertext, so the whole verified result set is decrypted and
 * sorted here — only when it holds at most MEMORY_SORT_CAP contacts (API.md
 * "Sorting"), else 422 /sort-too-large. Pages are offsets into that order.
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { candidateRows, countVisible, keyOf, type Keyset } from './candidates.js';
import type { ContactRecord } from './record.js';
import { encodeCursor, MEMORY_SORT_CAP, sortTooLarge, verifyBatch, type ListRequest, type Match, type Plan } from './matches.js';
import type { ContactView } from './schemas.js';
import { toView } from './service.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

const BATCH = 500;
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function sortKey(record: ContactRecord, field: string): string {
  if (field === 'email') return (record.emails.find((e) => e.primary) ?? record.emails[0])?.address ?? '';
  return field === 'firstName' ? record.firstName : record.lastName;
}

/** Every verified match, in id order; throws sortTooLarge past the cap. */
async function allMatches(ctx: Ctx, trx: Trx, ws: string, plan: Plan, req: ListRequest): Promise<Match[]> {
  if (plan.filters.length === 0 && plan.where === undefined && (await countVisible(trx, ws, req.ownerOnly, MEMORY_SORT_CAP + 1, req.companyId)) > MEMORY_SORT_CAP) throw sortTooLarge();
  const out: Match[] = [];
  let after: Keyset | null = null;
  for (;;) {
    const rows = await candidateRows(trx, { workspaceId: ws, filters: plan.filters, ownerOnly: req.ownerOnly, companyId: req.companyId, where: plan.where, order: 'id', desc: false, after, limit: BATCH });
    out.push(...(await verifyBatch(ctx, trx, ws, plan, rows)));
    if (out.length > MEMORY_SORT_CAP) throw sortTooLarge();
    const last = rows[rows.length - 1];
    if (rows.length < BATCH || !last) return out;
    after = keyOf(last, 'id');
  }
}

export async function sortInMemory(
  ctx: Ctx,
  trx: Trx,
  ws: string,
  plan: Plan,
  req: ListRequest,
  field: string,
  desc: boolean,
  offset: number,
  sort: string,
): Promise<{ items: ContactView[]; nextCursor: string | null; total: number; totalIsLowerBound: boolean }> {
  const matches = await allMatches(ctx, trx, ws, plan, req);
  // Empty values last in both directions; the id breaks ties so pages are stable.
  matches.sort((a, b) => {
    const ka = sortKey(a.record, field);
    const kb = sortKey(b.record, field);
    if ((ka === '') !== (kb === '')) return ka === '' ? 1 : -1;
    const c = collator.compare(ka, kb) || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0);
    return desc ? -c : c;
  });
  const page = matches.slice(offset, offset + req.limit);
  const next = offset + req.limit < matches.length ? encodeCursor({ k: 'mem', s: sort, offset: offset + req.limit }) : null;
  return {
    items: page.map((m) => toView(m.row, m.record)),
    nextCursor: next,
    total: Math.min(matches.length, 1000),
    totalIsLowerBound: matches.length > 1000,
  };
}
