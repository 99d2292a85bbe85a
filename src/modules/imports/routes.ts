/**
 * /api/v1/imports (API.md "Contacts"): a multipart upload streamed into
 * sealed storage (past the JSON body limit), the import's status, and its
 * error file. Every route needs contacts:write (there is no contacts:import).
 */
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../kernel/context.js';
import { badRequest, notFound } from '../../platform/errors.js';
import type { JobDefinition } from '../../kernel/module.js';
import { PermanentJobError, type JobContext } from '../../platform/jobs/index.js';
import { ownerScope } from '../contacts/index.js';
import { auditActor, requireAuth } from '../../kernel/auth.js';
import { ImportIdParamsSchema, ImportListQuerySchema, ImportListSchema, ImportStatusSchema } from './schemas.js';
import { createImport, errorFile, finish, IMPORT_JOB, importStatus, runImport } from './service.js';
import { errorFileExpired, errorFileGone } from './purge.js';
import { receiveUpload } from './multipart.js';
import { listImports } from './status.js';

const tags = ['imports'];
/** The largest upload accepted (a million contacts fit well below). */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseMapping(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('mapping must be a JSON object (CSV header → contact field).', [{ path: 'mapping', message: 'Not valid JSON.' }]);
  }
}

/** The job that runs queued imports (a crashed run resumes here after its lease). */
export const importJob: JobDefinition = { kind: IMPORT_JOB, run: (ctx, job) => runImportJob(ctx, job) };

export async function runImportJob(ctx: Pick<AppContext, 'db' | 'vault' | 'now'>, job: JobContext): Promise<void> {
  {
    const importId = job.payload.importId;
    if (job.workspaceId === null || typeof importId !== 'string' || !UUID_RE.test(importId)) {
      throw new PermanentJobError('import job without a workspace or import id');
    }
    try {
      await runImport(ctx, job.workspaceId, importId);
    } catch (err) {
      // The last attempt: the import fails for good and its upload goes (the error stays in last_error, ids only).
      if (job.retryAt === null) await finish(ctx, job.workspaceId, importId, 'failed', 'internal_error');
      throw err;
    }
  }
}

export function registerImportRoutes(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 } });
    const typed = scope.withTypeProvider<ZodTypeProvider>();

    typed.post('/api/v1/imports', {
      config: { permission: 'contacts:write' },
      schema: { tags, summary: 'Import contacts from a CSV (multipart: file, mapping?, lawfulBasis, source, duplicates?); 202 { id }' },
    }, async (req, reply) => {
      const auth = requireAuth(req);
      // A sales member limited to their own contacts imports under that limit (duplicates they cannot see are skipped).
      const scope = await ctx.db.withWorkspace(auth.workspaceId, (trx) => ownerScope(trx, auth));
      // Parts come in any order: the file is stored as it arrives, the options are checked once every part was read.
      const id = await receiveUpload(req, (file, formFields) => createImport(ctx, auth.workspaceId, auditActor(auth), file, async () => {
        const fields = await formFields();
        return {
          ...(fields.mapping !== undefined ? { mapping: parseMapping(fields.mapping) } : {}),
          lawfulBasis: fields.lawfulBasis,
          source: fields.source,
          ...(fields.duplicates !== undefined && fields.duplicates !== '' ? { duplicates: fields.duplicates } : {}),
        };
      }, scope));
      return reply.status(202).send({ id });
    });

    typed.get('/api/v1/imports', {
      config: { permission: 'contacts:write' },
      schema: { tags, summary: 'The workspace\'s imports, newest first (each as GET /imports/{id} shows it, with createdAt and finishedAt)', querystring: ImportListQuerySchema, response: { 200: ImportListSchema } },
    }, async (req) => listImports(ctx, requireAuth(req).workspaceId, req.query));

    typed.get('/api/v1/imports/:id', {
      config: { permission: 'contacts:write' },
      schema: { tags, summary: 'An import\'s status and counters', params: ImportIdParamsSchema, response: { 200: ImportStatusSchema } },
    }, async (req) => {
      const auth = requireAuth(req);
      const status = await importStatus(ctx, auth.workspaceId, req.params.id);
      if (!status) throw notFound('No such import.');
      return status;
    });

    typed.get('/api/v1/imports/:id/errors', {
      config: { permission: 'contacts:write' },
      schema: { tags, summary: 'The error file: CSV of line, column, reason (never a value); 410 once it expired', params: ImportIdParamsSchema },
    }, async (req, reply) => {
      const auth = requireAuth(req);
      const status = await importStatus(ctx, auth.workspaceId, req.params.id);
      if (!status) throw notFound('No such import.');
      if (await errorFileGone(ctx, auth.workspaceId, req.params.id)) throw errorFileExpired(ctx.config.importErrorsRetentionDays);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${req.params.id}-errors.csv"`)
        .send(Readable.from(errorFile(ctx, auth.workspaceId, req.params.id)));
    });
  });
}
