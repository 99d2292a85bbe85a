/**
 * /api/v1/pipelines and /api/v1/deals (API.md "... with the same shape"):
 * parse, authorize, call the service, record the personal read, answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { idempotentCreate, sendCreated } from '../../platform/http/idempotency.js';
import { ownerScope, visibleContactIds } from '../contacts/index.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { showing } from '../reads/index.js';
import * as p from './pipelines.js';
import {
  DealInputSchema, DealListQuerySchema, DealPageSchema, DealPatchSchema, DealSchema, IdParamsSchema, PipelineInputSchema,
  PipelinePatchSchema, PipelineSchema, StageInputSchema, StageParamsSchema, StagePatchSchema,
} from './schemas.js';
import { createDeal, dealViews, deleteDeal, getDealRow, listDeals, shownBy, updateDeal, type DealWrite } from './service.js';

const writeOf = (ctx: AppContext, req: FastifyRequest, auth: AuthState): p.PipelineWrite =>
  ({ workspaceId: auth.workspaceId, actor: auditActor(auth), requestId: String(req.id), now: ctx.now() });
/** A deal write carries the writer's record visibility (read in the request's transaction). */
const dealWriteOf = async (trx: Trx, req: FastifyRequest, auth: AuthState): Promise<DealWrite> =>
  ({ workspaceId: auth.workspaceId, actor: auditActor(auth), requestId: String(req.id), scope: await ownerScope(trx, auth) });

export function registerPipelineRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['pipelines'];
  const manage = { permission: 'workspace:manage' } as const;
  typed.get('/api/v1/pipelines', {
    config: { permission: 'contacts:read' },
    schema: { tags, summary: 'Pipelines with their stages (the default "Sales" pipeline is made on first use)', response: { 200: z.object({ items: z.array(PipelineSchema), nextCursor: z.null() }) } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => ({ items: await p.listPipelines(trx, auth.workspaceId, ctx.now()), nextCursor: null })));
  typed.post('/api/v1/pipelines', { config: manage, schema: { tags, summary: 'Create a pipeline (honours Idempotency-Key)', body: PipelineInputSchema, response: { 201: PipelineSchema } } }, async (req, reply) => {
    return sendCreated(reply, await inWorkspace(ctx, req, (trx, auth) => idempotentCreate(ctx, trx, req, auth, {
      route: 'POST /api/v1/pipelines',
      body: req.body,
      create: async () => {
        const created = await p.createPipeline(trx, writeOf(ctx, req, auth), req.body);
        return { id: created.id, status: 201, value: created };
      },
      replay: (id) => p.getPipeline(trx, auth.workspaceId, id),
    })));
  });
  typed.patch('/api/v1/pipelines/:id', { config: manage, schema: { tags, summary: 'Rename or reorder a pipeline', params: IdParamsSchema, body: PipelinePatchSchema, response: { 200: PipelineSchema } } },
  async (req) => inWorkspace(ctx, req, (trx, auth) =>
    p.updatePipeline(trx, writeOf(ctx, req, auth), req.params.id, req.body)));
  typed.delete('/api/v1/pipelines/:id', { config: manage, schema: { tags, summary: 'Delete a pipeline without deals (409 otherwise)', params: IdParamsSchema, response: { 204: z.null() } } }, async (req, reply) => {
    await inWorkspace(ctx, req, (trx, auth) => p.deletePipeline(trx, writeOf(ctx, req, auth), req.params.id));
    return reply.status(204).send(null);
  });
  typed.post('/api/v1/pipelines/:id/stages', { config: manage, schema: { tags, summary: 'Add a stage (honours Idempotency-Key)', params: IdParamsSchema, body: StageInputSchema, response: { 201: PipelineSchema } } }, async (req, reply) => {
    const pipelineId = req.params.id;
    return sendCreated(reply, await inWorkspace(ctx, req, (trx, auth) => idempotentCreate(ctx, trx, req, auth, {
      // The pipeline is part of the request: the same key and body on another pipeline is another request.
      route: `POST /api/v1/pipelines/${pipelineId}/stages`,
      body: req.body,
      // The answer is the pipeline with its stages: a replay re-reads it.
      create: async () => ({ id: pipelineId, status: 201, value: await p.addStage(trx, writeOf(ctx, req, auth), pipelineId, req.body) }),
      replay: (id) => p.getPipeline(trx, auth.workspaceId, id),
    })));
  });
  typed.patch('/api/v1/pipelines/:id/stages/:stageId', { config: manage, schema: { tags, summary: 'Change a stage', params: StageParamsSchema, body: StagePatchSchema, response: { 200: PipelineSchema } } },
  async (req) => inWorkspace(ctx, req, (trx, auth) =>
    p.updateStage(trx, writeOf(ctx, req, auth), req.params.id, req.params.stageId, req.body)));
  typed.delete('/api/v1/pipelines/:id/stages/:stageId', { config: manage, schema: { tags, summary: 'Delete a stage without deals (409 otherwise)', params: StageParamsSchema, response: { 200: PipelineSchema } } },
  async (req) => inWorkspace(ctx, req, (trx, auth) => p.deleteStage(trx, writeOf(ctx, req, auth), req.params.id, req.params.stageId)));
}

export function registerDealRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['deals'];
  typed.get('/api/v1/deals', {
    config: { permission: 'contacts:read', reads: 'crm.list' },
    schema: { tags, summary: 'Deals in board order (pipeline, stage, position); shown contact names are an audited read (crm.list)', querystring: DealListQuerySchema, response: { 200: DealPageSchema } },
  }, async (req) => showing(ctx, req, async (trx, auth) => {
    const scope = await ownerScope(trx, auth);
    // Deals filtered by a contact the caller may not see would say whom they are about: none.
    const { contactId } = req.query;
    if (contactId !== undefined && !(await visibleContactIds(trx, auth.workspaceId, [contactId], scope)).has(contactId)) {
      return { value: { items: [], nextCursor: null }, shown: [] };
    }
    const { shown, ...page } = await listDeals(ctx, trx, auth.workspaceId, { ...req.query, scope });
    return { value: page, shown };
  }));
  typed.get('/api/v1/deals/:id', { config: { permission: 'contacts:read', reads: 'crm.view' }, schema: { tags, summary: 'One deal (a read of its contact: crm.view)', params: IdParamsSchema, response: { 200: DealSchema } } }, async (req) =>
    showing(ctx, req, async (trx, auth) => {
      const row = await getDealRow(trx, auth.workspaceId, req.params.id);
      const { items, shown } = await dealViews(ctx, trx, auth.workspaceId, [row], await ownerScope(trx, auth));
      return { value: items[0]!, shown };
    }));
  typed.post('/api/v1/deals', { config: { permission: 'contacts:write', reads: 'crm.view' }, schema: { tags, summary: 'Create a deal (default pipeline and first open stage unless named; honours Idempotency-Key)', body: DealInputSchema, response: { 201: DealSchema } } }, async (req, reply) =>
    sendCreated(reply, await showing(ctx, req, async (trx, auth) => {
      const dw = await dealWriteOf(trx, req, auth);
      const done = await idempotentCreate(ctx, trx, req, auth, {
        route: 'POST /api/v1/deals',
        body: req.body,
        create: async () => {
          const created = await createDeal(ctx, trx, dw, req.body);
          return { id: created.id, status: 201, value: created };
        },
        // A replay shows the deal as it is now, like GET /deals/{id}.
        replay: async (id) => (await dealViews(ctx, trx, dw.workspaceId, [await getDealRow(trx, dw.workspaceId, id)], dw.scope)).items[0]!,
      });
      return { value: done, shown: shownBy(done.value) };
    })));
  typed.patch('/api/v1/deals/:id', { config: { permission: 'contacts:write', reads: 'crm.view' }, schema: { tags, summary: 'Change a deal; { stageId, position } moves it on the board; a change to nothing changes nothing', params: IdParamsSchema, body: DealPatchSchema, response: { 200: DealSchema } } }, async (req) =>
    showing(ctx, req, async (trx, auth) => {
      const deal = await updateDeal(ctx, trx, await dealWriteOf(trx, req, auth), req.params.id, req.body);
      return { value: deal, shown: shownBy(deal) };
    }));
  typed.delete('/api/v1/deals/:id', { config: { permission: 'contacts:delete' }, schema: { tags, summary: 'Delete a deal', params: IdParamsSchema, response: { 204: z.null() } } }, async (req, reply) => {
    await inWorkspace(ctx, req, async (trx, auth) => deleteDeal(trx, await dealWriteOf(trx, req, auth), req.params.id));
    return reply.status(204).send(null);
  });
}
