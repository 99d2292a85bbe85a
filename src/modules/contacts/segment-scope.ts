/**
 * `GET /contacts?segmentId=`: the segments module knows what a segment means,
 * the contacts list only how to narrow by it. Segments depend on contacts, so
 * contacts offers this hook point and segments' definition gives its handler:
 * the import stays one-way.
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import type { ListScope } from './matches.js';

export type SegmentScopeResolver = (ctx: AppContext, trx: Trx, workspaceId: string, segmentId: string) => Promise<ListScope>;

declare module '../../kernel/hooks.js' {
  interface HookPoints {
    /** What a segment id narrows the contacts list to (one handler: the segments module). */
    'contacts.segmentScope': SegmentScopeResolver;
  }
}

/** The scope of a segment of this workspace; 404 when it is unknown here (or segments are not installed). */
export async function segmentScope(ctx: AppContext, trx: Trx, workspaceId: string, segmentId: string): Promise<ListScope> {
  const resolver = ctx.hooks.one('contacts.segmentScope');
  if (!resolver) throw notFound('No such segment.');
  return resolver(ctx, trx, workspaceId, segmentId);
}
