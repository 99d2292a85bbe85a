/**
 * /api/v1/contacts (API.md "Contacts"): parse, authorize, call the service,
 * audit in the same transaction, shape the answer.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, listAuditEvents, recordAudit } from '../../platform/audit/index.js';
import { badRequest, notFound, PROBLEM_BASE } from '../../platform/errors.js';
import { idempotentCreate, REPLAYED_HEADER } from '../../platform/http/idempotency.js';
import { auditActor } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { showing } from '../reads/index.js';
import { ownerScope, visibleRow } from './access.js';
import { companyExists } from './deps.js';
import { deleteContact, updateContact } from './mutate.js';
import { openRecords, openSpecial } from './record.js';
import { AccessLogSchema, ContactInputSchema, ContactPageSchema, ContactPatchSchema, ContactSchema, IdParamsSchema, ListQuerySchema } from './schemas.js';
import { listContacts } from './search.js';
import { segmentScope } from './segment-scope.js';
import { createContacts, findDuplicate, toView, visibleContactIds } from './service.js';

const tags = ['contacts'];
const Empty = z.null();
const AccessLogQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(100).optional() }).strict();

/** camelCase field names as audit codes (names, never values). */
const fieldCodes = (fields: readonly string[]) => fields.map((f) => auditCode(f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));

class DuplicateContact extends Error {
  constructor(readonly existingId: string) {
    super('duplicate contact');
  }
}

/** `existingId` only when the caller may see that contact (record visibility); else the 409 names nobody. */
function sendDuplicate(reply: FastifyReply, existingId: string | null): FastifyReply {
  return reply.status(409).type('application/problem+json').send({
    type: `${PROBLEM_BASE}duplicate-contact`,
    title: 'Duplicate contact',
    status: 409,
    detail: 'A contact with this email address or phone number exists already.',
    ...(existingId ? { existingId } : {}),
  });
}

/** The routes of the contacts module (the composition root registers this). */
export function registerContactRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerContactWrites(app, ctx);
  registerContactReads(app, ctx);
}

/** Create, change, erase: each audited as a write in its transaction. */
function registerContactWrites(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post('/api/v1/contacts', {
    config: { permission: 'contacts:write', reads: 'crm.view' },
    schema: { tags, summary: 'Create a contact (409 /duplicate-contact when its email, then its phone, is known; honours Idempotency-Key)', body: ContactInputSchema, response: { 201: ContactSchema } },
  }, async (req, reply) => {
    try {
      // The answer shows the person created (or, replayed, as they are now): a read like GET /contacts/{id}.
      const result = await showing(ctx, req, async (trx, auth) => {
        const done = await idempotentCreate(ctx, trx, req, auth, {
          route: 'POST /api/v1/contacts',
          body: req.body,
          create: async () => {
            const existing = await findDuplicate(ctx, trx, auth.workspaceId, req.body.emails, req.body.phones ?? []);
            if (existing) throw new DuplicateContact(existing);
            const [created] = await createContacts(ctx, trx, auth.workspaceId, [req.body], { createdBy: auth.userId });
            await recordAudit(trx, { action: 'contact.created', actor: auditActor(auth), subjectIds: [created!.id], details: { lawfulBasis: auditCode(created!.lawfulBasis) }, requestId: String(req.id) });
            return { id: created!.id, status: 201, value: created! };
          },
          // Creates answer 201 only, so a replay does too.
          replay: async (id) => {
            const row = await visibleRow(trx, auth, id);
            const record = (await openRecords(trx, ctx.vault, auth.workspaceId, [row])).get(row.id)!;
            return toView(row, record);
          },
        });
        return { value: done, shown: [done.value.id] };
      });
      if (result.replayed) void reply.header(REPLAYED_HEADER, 'true');
      return await reply.status(201).send(result.value);
    } catch (err) {
      if (!(err instanceof DuplicateContact)) throw err;
      // The existing contact's id is shown only to whom may see it, and then it is a read (the create rolled back).
      const existingId = await showing(ctx, req, async (trx, auth) => {
        const visible = (await visibleContactIds(trx, auth.workspaceId, [err.existingId], await ownerScope(trx, auth))).has(err.existingId);
        return { value: visible ? err.existingId : null, shown: visible ? [err.existingId] : [], purpose: 'crm.search' };
      });
      return sendDuplicate(reply, existingId);
    }
  });

  typed.patch('/api/v1/contacts/:id', {
    config: { permission: 'contacts:write', reads: 'crm.view' },
    schema: { tags, summary: 'Change a contact (arrays replace; customFields: null removes a key); a change to nothing changes nothing', params: IdParamsSchema, body: ContactPatchSchema, response: { 200: ContactSchema } },
  }, async (req) => showing(ctx, req, async (trx, auth) => {
    const row = await visibleRow(trx, auth, req.params.id);
    const { contact, changed } = await updateContact(ctx, trx, auth.workspaceId, row, req.body);
    if (changed.length > 0) {
      await recordAudit(trx, { action: 'contact.updated', actor: auditActor(auth), subjectIds: [row.id], details: { fields: fieldCodes(changed) }, requestId: String(req.id) });
    }
    // The answer shows the whole record, changed or not: a read like GET /contacts/{id}.
    return { value: contact, shown: [contact.id] };
  }));

  typed.delete('/api/v1/contacts/:id', {
    config: { permission: 'contacts:delete' },
    schema: { tags, summary: 'Erase a contact (crypto-shredding, then the rows)', params: IdParamsSchema, response: { 204: Empty } },
  }, async (req, reply) => {
    await inWorkspace(ctx, req, async (trx, auth) => {
      const row = await visibleRow(trx, auth, req.params.id);
      await deleteContact(ctx, trx, auth.workspaceId, row.id);
      await recordAudit(trx, { action: 'contact.deleted', actor: auditActor(auth), subjectIds: [row.id], requestId: String(req.id) });
    });
    return reply.status(204).send(null);
  });

}

/** Reads: each answer that shows people goes through `showing` (the read ledger) before it is sent. */
function registerContactReads(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/api/v1/contacts', {
    config: { permission: 'contacts:read', reads: 'crm.list' },
    schema: { tags, summary: 'List or search contacts (q: word prefixes; email: exact; segmentId: its members; companyId: its people)', querystring: ListQuerySchema, response: { 200: ContactPageSchema } },
  }, async (req) => showing(ctx, req, async (trx, auth) => {
    const { segmentId, companyId } = req.query;
    if (companyId !== undefined && !(await companyExists(trx, companyId))) throw notFound('No such company.');
    const scope = segmentId === undefined ? undefined : await segmentScope(ctx, trx, auth.workspaceId, segmentId);
    const page = await listContacts(ctx, trx, auth.workspaceId, { ...req.query, ownerOnly: await ownerScope(trx, auth), ...(scope ? { scope } : {}) });
    const { searched, ...body } = page;
    void searched;
    return { value: body, shown: page.items.map((c) => c.id), purpose: req.query.q !== undefined ? 'crm.search' : 'crm.list' };
  }));

  typed.get('/api/v1/contacts/:id', {
    config: { permission: 'contacts:read', reads: 'crm.view' },
    schema: { tags, summary: 'One contact (special-category values only with special_category:read)', params: IdParamsSchema, response: { 200: ContactSchema } },
  }, async (req) => showing(ctx, req, async (trx, auth) => {
    const row = await visibleRow(trx, auth, req.params.id);
    const record = (await openRecords(trx, ctx.vault, auth.workspaceId, [row])).get(row.id)!;
    if (!row.special || !auth.permissions.has('special_category:read')) return { value: toView(row, record), shown: [row.id] };
    const special = await openSpecial(trx, ctx.vault, auth.workspaceId, row.id, row.record_version, row.special);
    return { value: toView(row, record, special), shown: [row.id], also: [{ subjectIds: [row.id], purpose: 'crm.special_category' }] };
  }));

  typed.get('/api/v1/contacts/:id/access-log', {
    config: { permission: 'contacts:read' },
    schema: { tags, summary: "Who read or changed this person's data, newest first", params: IdParamsSchema, querystring: AccessLogQuerySchema, response: { 200: AccessLogSchema } },
  }, async (req) => inWorkspace(ctx, req, async (trx, auth) => {
    await visibleRow(trx, auth, req.params.id);
    try {
      const page = await listAuditEvents(trx, { subjectId: req.params.id, limit: req.query.limit, cursor: req.query.cursor ?? null });
      return {
        items: page.items.map((e) => ({ at: e.at, action: e.action, actorId: e.actorId, actorType: e.actorType, purpose: e.purpose })),
        nextCursor: page.nextCursor,
      };
    } catch (err) {
      if (err instanceof RangeError) throw badRequest('The cursor is not one this list gave out.', [{ path: 'querystring.cursor', message: 'invalid cursor' }]);
      throw err;
    }
  }));
}
