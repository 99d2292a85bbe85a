import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../kernel/context.js';
import { listAuditEvents, verifyAudit, type AuditEventView } from '../../platform/audit/index.js';
import { badRequest } from '../../platform/errors.js';
import { auditActor, requireAuth } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { exportAuditCsv } from './export.js';
import {
  AuditFiltersSchema,
  AuditListQuerySchema,
  AuditPageSchema,
  AuditVerifySchema,
  toListFilters,
  type AuditEventOut,
} from './schemas.js';

function present(e: AuditEventView): AuditEventOut {
  return {
    seq: e.seq,
    at: e.at,
    action: e.action,
    actorId: e.actorId,
    actorType: e.actorType,
    subjectIds: e.subjectIds,
    purpose: e.purpose,
    details: e.details,
    requestId: e.requestId,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

/**
 * The audit trail as people read it (API.md "Audit"): the list with filters,
 * the chain check of the caller's workspace, and a CSV export that is itself
 * audited. Everything runs in the caller's workspace transaction, so RLS keeps
 * another workspace's events out even if a filter were forgotten.
 */
export function registerAuditTrailRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/audit-events',
    {
      config: { permission: 'audit:read' },
      schema: { tags: ['audit'], summary: 'Audit events, newest first', querystring: AuditListQuerySchema, response: { 200: AuditPageSchema } },
    },
    async (req) => {
      const { cursor, limit, ...filters } = req.query;
      try {
        const page = await inWorkspace(ctx, req, (trx) =>
          listAuditEvents(trx, { ...toListFilters(filters), cursor: cursor ?? null, limit }),
        );
        return { items: page.items.map(present), nextCursor: page.nextCursor };
      } catch (err) {
        if (err instanceof RangeError) throw badRequest('The cursor is not one this list gave out.', [{ path: 'querystring.cursor', message: 'invalid cursor' }]);
        throw err;
      }
    },
  );

  typed.get(
    '/api/v1/audit-events/verify',
    {
      config: { permission: 'audit:read' },
      schema: { tags: ['audit'], summary: "Recomputes the caller's workspace chain and checks its signed checkpoints", response: { 200: AuditVerifySchema } },
    },
    async (req) => {
      const auth = requireAuth(req);
      const r = await verifyAudit(ctx.db, { ...ctx.audit, workspaceId: auth.workspaceId, unchainedMaxSeconds: ctx.config.auditUnchainedMaxSeconds });
      const w = r.workspaces[0];
      return {
        intact: r.intact,
        checked: r.checked,
        unchained: r.unchained,
        oldestUnchainedAt: w?.oldestUnchainedAt ?? null,
        headSeq: w?.headSeq ?? null,
        ...(r.firstBrokenSeq !== undefined ? { firstBrokenSeq: r.firstBrokenSeq } : {}),
        lastCheckpointSeq: r.lastCheckpointSeq,
        reasons: w?.reasons ?? [],
      };
    },
  );

  typed.get(
    '/api/v1/audit-events/export.csv',
    {
      config: { permission: 'audit:read' },
      schema: { tags: ['audit'], summary: 'The filtered audit trail as CSV (audited as audit.exported)', querystring: AuditFiltersSchema },
    },
    async (req, reply) => {
      const { csv } = await inWorkspace(ctx, req, (trx, auth) =>
        exportAuditCsv(trx, { filters: req.query, actor: auditActor(auth), requestId: String(req.id) }),
      );
      const day = ctx.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-events-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
}
