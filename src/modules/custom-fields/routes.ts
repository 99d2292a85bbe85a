import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { badRequest } from '../../platform/errors.js';
import { idempotentCreate, sendCreated } from '../../platform/http/idempotency.js';
import { text } from '../../platform/http/text.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { DATA_CATEGORIES, FIELD_TYPES } from './queries.js';
import { createCustomField, getCustomField, listCustomFields, updateCustomField, type CustomField, type FieldActor } from './service.js';

const KEY_RE = /^[a-z][a-zA-Z0-9_]{0,62}$/;
const option = z.string().trim().min(1).max(100);
const legalGround = z.string().trim().min(1).max(2000);

const CreateSchema = z.strictObject({
  key: z.string().regex(KEY_RE, 'A key starts with a lower-case letter, then letters, digits or _ (at most 63).'),
  label: text().trim().min(1).max(200),
  type: z.enum(FIELD_TYPES),
  options: z.array(option).max(200).optional(),
  dataCategory: z.enum(DATA_CATEGORIES),
  legalGround: legalGround.optional(),
});
const PatchSchema = z.strictObject({
  label: text().trim().min(1).max(200).optional(),
  options: z.array(option).max(200).optional(),
  archived: z.boolean().optional(),
  legalGround: legalGround.optional(),
});
const FieldSchema = z.object({
  id: z.uuid(), key: z.string(), label: z.string(), type: z.enum(FIELD_TYPES), options: z.array(z.string()).nullable(),
  dataCategory: z.enum(DATA_CATEGORIES), legalGround: z.string().nullable(), legalGroundRecordedBy: z.uuid().nullable(),
  createdAt: z.string(), archivedAt: z.string().nullable(),
});
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  includeArchived: z.enum(['true', 'false']).default('false'),
});

function view(f: CustomField): z.infer<typeof FieldSchema> {
  return { ...f, createdAt: f.createdAt.toISOString(), archivedAt: f.archivedAt?.toISOString() ?? null };
}

function decodeCursor(raw: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw badRequest('Invalid cursor.', [{ path: 'cursor', message: 'Invalid cursor.' }]);
  }
  return { at: new Date(at), id };
}

/**
 * Custom field definitions (API.md "Contacts"). Managing them is workspace
 * configuration ('workspace:manage'); anyone who reads contacts reads them.
 */
export function registerCustomFieldRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const fieldActor = (req: FastifyRequest, auth: AuthState): FieldActor => {
    // A token acts for its maker, but recording a legal ground is a member's own decision.
    const role = auth.kind === 'session' ? auth.role : null;
    return { workspaceId: auth.workspaceId, role, userId: auth.userId, actor: auditActor(auth), now: ctx.now(), requestId: String(req.id) };
  };

  typed.post('/api/v1/custom-fields', {
    config: { permission: 'workspace:manage' },
    schema: { tags: ['custom-fields'], summary: 'Define a custom field (special_category needs a legal ground, recorded by an owner; honours Idempotency-Key)', body: CreateSchema, response: { 201: FieldSchema } },
  }, async (req, reply) => {
    const result = await inWorkspace(ctx, req, (trx, auth) => idempotentCreate(ctx, trx, req, auth, {
      route: 'POST /api/v1/custom-fields',
      body: req.body,
      create: async () => {
        const field = await createCustomField(trx, fieldActor(req, auth), req.body);
        return { id: field.id, status: 201, value: view(field) };
      },
      replay: async (id) => view(await getCustomField(trx, auth.workspaceId, id)),
    }));
    return sendCreated(reply, result);
  });

  typed.get('/api/v1/custom-fields', {
    config: { permission: 'contacts:read' },
    schema: { tags: ['custom-fields'], summary: 'Custom field definitions, oldest first', querystring: ListQuery, response: { 200: z.object({ items: z.array(FieldSchema), nextCursor: z.string().nullable() }) } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => {
    const after = req.query.cursor ? decodeCursor(req.query.cursor) : null;
    const page = await listCustomFields(trx, auth.workspaceId, { includeArchived: req.query.includeArchived === 'true', after, limit: req.query.limit });
    const last = page.items[page.items.length - 1];
    const nextCursor = page.more && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`, 'utf8').toString('base64url') : null;
    return { items: page.items.map(view), nextCursor };
  }));

  typed.patch('/api/v1/custom-fields/:id', {
    config: { permission: 'workspace:manage' },
    schema: { tags: ['custom-fields'], summary: 'Relabel, add options, archive or unarchive a custom field; an owner may record a new legal ground', params: z.object({ id: z.uuid() }), body: PatchSchema, response: { 200: FieldSchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) =>
    view(await updateCustomField(trx, fieldActor(req, auth), req.params.id, req.body))));
}
