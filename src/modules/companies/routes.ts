import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { idempotentCreate, sendCreated } from '../../platform/http/idempotency.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { listCompanies, type CompanySort } from './list.js';
import { CompanySchema, CreateCompanySchema, IdParamsSchema, ListQuerySchema, PatchCompanySchema, view } from './schemas.js';
import { createCompanies, deleteCompany, findCompaniesByName, getCompany, updateCompany, type WriteContext } from './service.js';

/**
 * Companies (API.md "Contacts ... Companies with the same shape"). A company
 * is not a data subject: its reads are not personal-data reads and are not
 * audited; its writes are. Create honours Idempotency-Key.
 */
export function registerCompanyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const writeContext = (req: FastifyRequest, auth: AuthState): WriteContext =>
    ({ workspaceId: auth.workspaceId, now: ctx.now(), actor: auditActor(auth), requestId: String(req.id) });

  typed.post('/api/v1/companies', {
    config: { permission: 'contacts:write' },
    schema: { tags: ['companies'], summary: 'Create a company (honours Idempotency-Key)', body: CreateCompanySchema, response: { 201: CompanySchema } },
  }, async (req, reply) => {
    const result = await inWorkspace(ctx, req, (trx, auth) => idempotentCreate(ctx, trx, req, auth, {
      route: 'POST /api/v1/companies',
      body: req.body,
      create: async () => {
        const [created] = await createCompanies(trx, ctx.vault, writeContext(req, auth), [req.body]);
        return { id: created!.id, status: 201, value: view(created!) };
      },
      // A replay shows the company as it is now (404 once deleted).
      replay: async (id) => view(await getCompany(trx, ctx.vault, auth.workspaceId, id)),
    }));
    return sendCreated(reply, result);
  });

  typed.get('/api/v1/companies', {
    config: { permission: 'contacts:read' },
    schema: {
      tags: ['companies'],
      summary: 'List companies: q matches word prefixes of the name; name matches exactly (case-insensitively); sort by createdAt, updatedAt or (up to 2,000 results) name',
      querystring: ListQuerySchema,
      response: { 200: z.object({ items: z.array(CompanySchema), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => {
    const { limit, cursor, sort, q, name } = req.query;
    if (name !== undefined) {
      // An exact lookup is small (same-named companies): one page, no cursor.
      const found = await findCompaniesByName(trx, ctx.vault, auth.workspaceId, name);
      return { items: found.slice(0, limit).map(view), nextCursor: null };
    }
    const page = await listCompanies(trx, ctx.vault, { workspaceId: auth.workspaceId, limit, cursor, sort: sort as CompanySort, q });
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }));

  typed.get('/api/v1/companies/:id', {
    config: { permission: 'contacts:read' },
    schema: { tags: ['companies'], summary: 'A company', params: IdParamsSchema, response: { 200: CompanySchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => view(await getCompany(trx, ctx.vault, auth.workspaceId, req.params.id))));

  typed.patch('/api/v1/companies/:id', {
    config: { permission: 'contacts:write' },
    schema: { tags: ['companies'], summary: 'Change a company (null clears a field)', params: IdParamsSchema, body: PatchCompanySchema, response: { 200: CompanySchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => view(await updateCompany(trx, ctx, writeContext(req, auth), req.params.id, req.body))));

  typed.delete('/api/v1/companies/:id', {
    config: { permission: 'contacts:delete' },
    schema: { tags: ['companies'], summary: 'Delete a company', params: IdParamsSchema, response: { 204: z.null() } },
  }, async (req, reply) => {
    await inWorkspace(ctx, req, (trx, auth) => deleteCompany(trx, writeContext(req, auth), req.params.id));
    return reply.status(204).send(null);
  });
}
