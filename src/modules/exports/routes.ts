/**
 * /api/v1/exports (API.md "Contacts", docs/exports.md): make an export, then
 * download it from its url — both with contacts:export, each audited.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAudit } from '../../platform/audit/index.js';
import { auditActor, requireAuth } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { createExport, exportChunks, exportForDownload } from './service.js';

const tags = ['contacts'];

export const ExportInputSchema = z.object({ segmentId: z.uuid().optional(), format: z.enum(['csv', 'json']) }).strict();
const ExportSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  records: z.number().int(),
  format: z.enum(['csv', 'json']),
  createdAt: z.string(),
  expiresAt: z.string(),
});
const IdParamsSchema = z.object({ id: z.uuid() });

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

export function registerExportRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post('/api/v1/exports', {
    config: { permission: 'contacts:export' },
    schema: { tags, summary: 'Export the contacts you can see, or a segment, as CSV or JSON (audited; owners and the DPO are told)', body: ExportInputSchema, response: { 201: ExportSchema } },
  }, async (req, reply) => {
    const created = await inWorkspace(ctx, req, (trx, auth) => createExport(ctx, trx, auth, req.body, String(req.id)));
    return reply.status(201).header('location', created.url).send(created);
  });

  typed.get('/api/v1/exports/:id/file', {
    config: { permission: 'contacts:export' },
    schema: { tags, summary: 'Download an export (24 hours after it was made; 410 after; each download audited)', params: IdParamsSchema },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    const exp = await ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
      const found = await exportForDownload(trx, req.params.id, ctx.now());
      await recordAudit(trx, {
        action: 'contact_export.downloaded', actor: auditActor(auth), purpose: 'crm.export', requestId: String(req.id),
        details: { exportId: auditId(found.id), records: found.rowCount, format: auditCode(found.format) },
      });
      return found;
    });
    const stamp = exp.createdAt.toISOString().slice(0, 10);
    return reply
      .type(CONTENT_TYPES[exp.format])
      .header('content-disposition', `attachment; filename="contacts-${stamp}.${exp.format}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(exportChunks(ctx, auth.workspaceId, exp)));
  });
}
