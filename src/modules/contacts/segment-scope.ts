/**
 * `GET /contacts?segmentId=`: the segments module knows what a segment means,
 * the contacts list only how to narrow by it. Segments depend on contacts, so
 * this hook (set by registerSegmentRoutes) keeps the import one-way.
 */
import type { AppContext } from '../../app.js';
import type { Trx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import type { ListScope } from './search.js';

export type SegmentScopeResolver = (ctx: AppContext, trx: Trx, workspaceId: string, segmentId: string) => Promise<ListScope>;

let resolver: SegmentScopeResolver | null = null;

/** Called once by the segments module; the last call wins (one resolver per process). */
export function setSegmentScopeResolver(fn: SegmentScopeResolver): void {
  resolver = fn;
}

/** The scope of a segment of this workspace; 404 when it is unknown here (or segments are not installed). */
export async function segmentScope(ctx: AppContext, trx: Trx, workspaceId: string, segmentId: string): Promise<ListScope> {
  if (!resolver) throw notFound('No such segment.');
  return resolver(ctx, trx, workspaceId, segmentId);
}
