import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { listAuditEvents } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { ownerScope, visibleRow, type OwnerScope } from '../contacts/index.js';
import { dealViews, dealsOfContact } from '../deals/index.js';
import { listNotes } from '../notes/index.js';
import { showing } from '../reads/index.js';
import { taskRows, taskViews } from '../tasks/index.js';

/** Audit actions that belong on a person's timeline (changes, not reads). */
// A deal's creation is its own item; its later moves and edits are changes.
const TIMELINE_ACTIONS = new Set(['contact.created', 'contact.updated', 'contact.merged', 'deal.moved', 'deal.updated']);

export const TimelineItemSchema = z.object({
  kind: z.enum(['note', 'task', 'deal', 'change']),
  at: z.string(),
  id: z.string(),
  /** Note body, task or deal title; null when erased or for a change. */
  text: z.string().nullable(),
  /** The audit action for a change; the stage id for a deal; done/open for a task. */
  detail: z.string().nullable(),
  actorId: z.string().nullable(),
});
export type TimelineItem = z.infer<typeof TimelineItemSchema>;

const PER_SOURCE = 50;

async function changes(trx: Trx, contactId: string): Promise<TimelineItem[]> {
  const page = await listAuditEvents(trx, { subjectId: contactId, limit: 200 });
  return page.items
    .filter((e) => TIMELINE_ACTIONS.has(e.action))
    .map((e) => ({ kind: 'change' as const, at: e.at, id: e.seq === null ? `event-${e.at}` : `seq-${e.seq}`, text: null, detail: e.action, actorId: e.actorId }));
}

/**
 * A person's timeline: notes, tasks, deals and changes to their record,
 * newest first. Showing it is one personal read of that person. The caller
 * has checked that `scope` (record visibility) may see the person; every item
 * is about them alone, so nothing else is withheld.
 */
export async function contactTimeline(ctx: AppContext, trx: Trx, workspaceId: string, contactId: string, scope: OwnerScope): Promise<TimelineItem[]> {
  const notes = await listNotes(ctx, trx, workspaceId, { contactId }, PER_SOURCE);
  const tasks = (await taskViews(ctx, trx, workspaceId, await taskRows(trx, workspaceId, { contactId }, PER_SOURCE), scope)).items;
  const deals = (await dealViews(ctx, trx, workspaceId, await dealsOfContact(trx, workspaceId, contactId, PER_SOURCE), scope)).items;
  const items: TimelineItem[] = [
    ...notes.map((n) => ({ kind: 'note' as const, at: n.createdAt, id: n.id, text: n.body, detail: null, actorId: n.authorId })),
    ...tasks.map((t) => ({ kind: 'task' as const, at: t.createdAt, id: t.id, text: t.title, detail: t.done ? 'done' : 'open', actorId: t.assigneeId })),
    ...deals.map((d) => ({ kind: 'deal' as const, at: d.createdAt, id: d.id, text: d.title, detail: d.stageId, actorId: d.ownerId })),
    ...(await changes(trx, contactId)),
  ];
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export function registerTimelineRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/contacts/:id/timeline',
    {
      config: { permission: 'contacts:read', reads: 'crm.view' },
      schema: {
        tags: ['contacts'],
        summary: "A person's notes, tasks, deals and record changes, newest first",
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ items: z.array(TimelineItemSchema) }) },
      },
    },
    async (req) => showing(ctx, req, async (trx, auth) => {
      const row = await visibleRow(trx, auth, req.params.id);
      const items = await contactTimeline(ctx, trx, auth.workspaceId, row.id, await ownerScope(trx, auth));
      return { value: { items }, shown: [row.id] };
    }),
  );
}
