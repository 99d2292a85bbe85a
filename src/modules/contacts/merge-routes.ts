/**
 * POST /api/v1/contacts/merge (API.md "Contacts"). Needs contacts:write and
 * contacts:delete: the merged contact is erased. The answer shows the kept
 * person's merged record, so it is recorded as a read (crm.view) besides the
 * `contact.merged` write event (ids and field names only).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAudit } from '../../platform/audit/index.js';
import { forbidden } from '../../platform/errors.js';
import { auditActor, requireAuth } from '../../kernel/auth.js';
import { showing } from '../reads/index.js';
import { mergeContacts, MergeInputSchema } from './merge.js';
import { ContactSchema } from './schemas.js';

const fieldCode = (f: string) => auditCode(f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

export function registerMergeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/contacts/merge', {
    // The hook checks contacts:delete (and audits its denial); the handler adds contacts:write.
    config: { permission: 'contacts:delete', reads: 'crm.view' },
    schema: {
      tags: ['contacts'],
      summary: 'Merge mergeId into keepId (choices per field: keep|merge; emails, phones, tags unite by default); the merged contact is erased',
      body: MergeInputSchema,
      response: { 200: ContactSchema },
    },
  }, async (req) => {
    if (!requireAuth(req).permissions.has('contacts:write')) throw forbidden('This needs the contacts:write permission.');
    return showing(ctx, req, async (trx, auth) => {
      const { contact, changed } = await mergeContacts(ctx, trx, auth, req.body);
      const mergedId = req.body.mergeId.toLowerCase();
      await recordAudit(trx, {
        action: 'contact.merged', actor: auditActor(auth), subjectIds: [contact.id, mergedId],
        details: { keptId: auditId(contact.id), mergedId: auditId(mergedId), fields: changed.map(fieldCode) },
        requestId: String(req.id),
      });
      return { value: contact, shown: [contact.id] };
    });
  });
}
