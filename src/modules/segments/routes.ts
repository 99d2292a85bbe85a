/**
 * /api/v1/segments (API.md: "segments ... with the same shape"). A segment's
 * definition and count are not personal data: these routes record writes, not
 * reads. Its members are listed by GET /api/v1/contacts?segmentId=, which
 * records the read (purpose crm.list) like any contacts list.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { auditId, recordAudit } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { idempotentCreate, sendCreated } from '../../platform/http/idempotency.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { ownerScope } from '../contacts/index.js';
import { IdParamsSchema, SegmentInputSchema, SegmentListQuerySchema, SegmentPageSchema, SegmentPatchSchema, SegmentSchema } from './schemas.js';
import { createSegment, deleteSegment, getSegment, listSegments, updateSegment, type Caller } from './service.js';

const tags = ['segments'];

async function callerOf(trx: Trx, auth: AuthState): Promise<Caller> {
  return { workspaceId: auth.workspaceId, userId: auth.userId, ownerOnly: await ownerScope(trx, auth) };
}

async function audited(trx: Trx, req: FastifyRequest, auth: AuthState, action: `segment.${string}`, id: string): Promise<void> {
  await recordAudit(trx, { action, actor: auditActor(auth), details: { segmentId: auditId(id) }, requestId: String(req.id) });
}

/** The segments routes; also lets the contacts list narrow by `segmentId`. */
export function registerSegmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  // Create and delete answer after the transaction: they keep their own.
  const withCaller = <T>(req: FastifyRequest, fn: (trx: Trx, caller: Caller, auth: AuthState) => Promise<T>): Promise<T> =>
    inWorkspace(ctx, req, async (trx, auth) => fn(trx, await callerOf(trx, auth), auth));

  typed.post('/api/v1/segments', {
    config: { permission: 'contacts:write' },
    schema: { tags, summary: 'Create a segment (an AND of rules; members computed live; honours Idempotency-Key)', body: SegmentInputSchema, response: { 201: SegmentSchema } },
  }, async (req, reply) => {
    const result = await withCaller(req, (trx, caller, auth) => idempotentCreate(ctx, trx, req, auth, {
      route: 'POST /api/v1/segments',
      body: req.body,
      create: async () => {
        const created = await createSegment(ctx, trx, caller, req.body);
        await audited(trx, req, auth, 'segment.created', created.id);
        return { id: created.id, status: 201, value: created };
      },
      // A replay shows the segment as it is now, with its live count.
      replay: (id) => getSegment(ctx, trx, caller, id),
    }));
    return sendCreated(reply, result);
  });

  typed.get('/api/v1/segments', {
    config: { permission: 'contacts:read' },
    schema: { tags, summary: 'Segments, oldest first, each with its live count', querystring: SegmentListQuerySchema, response: { 200: SegmentPageSchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) =>
    listSegments(ctx, trx, await callerOf(trx, auth), req.query.limit, req.query.cursor)));

  typed.get('/api/v1/segments/:id', {
    config: { permission: 'contacts:read' },
    schema: { tags, summary: 'One segment with its live count', params: IdParamsSchema, response: { 200: SegmentSchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => getSegment(ctx, trx, await callerOf(trx, auth), req.params.id)));

  typed.patch('/api/v1/segments/:id', {
    config: { permission: 'contacts:write' },
    schema: { tags, summary: 'Rename a segment or replace its rules', params: IdParamsSchema, body: SegmentPatchSchema, response: { 200: SegmentSchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => {
    const view = await updateSegment(ctx, trx, await callerOf(trx, auth), req.params.id, req.body);
    await audited(trx, req, auth, 'segment.updated', view.id);
    return view;
  }));

  typed.delete('/api/v1/segments/:id', {
    config: { permission: 'contacts:write' },
    schema: { tags, summary: 'Delete a segment (its contacts stay)', params: IdParamsSchema, response: { 204: z.null() } },
  }, async (req, reply) => {
    await withCaller(req, async (trx, caller, auth) => {
      await deleteSegment(trx, caller.workspaceId, req.params.id);
      await audited(trx, req, auth, 'segment.deleted', req.params.id);
    });
    return reply.status(204).send(null);
  });
}
