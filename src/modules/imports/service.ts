/**
 * Contact imports (docs/imports.md): what the routes, the CLI and the job
 * call. An upload is stored sealed (store.ts), then a run (run.ts) reads it
 * back, parses it, prepares its rows in batches (prepare.ts, on worker
 * threads for a large file) and lands each batch in one transaction
 * (land.ts), so a crash leaves no half-written contact and a new run starts
 * again at the first record not committed. Every row is validated like
 * POST /contacts (rows.ts); a rejected row goes to the error file as line,
 * column and reason code, never its value.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AppContext } from '../../kernel/context.js';
import { csvRow } from '../../platform/csv.js';
import { AppError, validationFailed } from '../../platform/errors.js';
import { enqueue } from '../../platform/jobs/index.js';
import type { OwnerScope } from '../contacts/index.js';
import type { ImportActor, StoredOptions } from './land.js';
import { deleteChunks, deleteImport, ERRORS, insertImport, queueImport, UPLOAD } from './queries.js';
import { ImportOptionsSchema } from './schemas.js';
import { OPTIONS_TARGET, readChunks, storeUpload } from './store.js';

export { runImport, finish, IMPORT_BATCH, THREADED_BYTES, type RunOptions, type RunOutcome } from './run.js';
export { importStatus, statusView } from './status.js';
export type { ImportActor } from './land.js';

type Ctx = Pick<AppContext, 'db' | 'vault' | 'now'>;
export const IMPORT_JOB = 'contacts.import';

/**
 * Stores an upload sealed and queues its import. `options` is read after the
 * file (a multipart form may send its fields after the file, so it may return
 * a promise that waits for them); a bad option, or `options` failing, removes what was stored and
 * throws.
 */
export async function createImport(
  ctx: Ctx, workspaceId: string, actor: ImportActor, file: Readable | AsyncIterable<Buffer>, options: () => unknown, scope: OwnerScope = undefined,
  hooks: { onCreated?: (id: string) => void } = {},
): Promise<string> {
  const id = randomUUID();
  await ctx.db.withWorkspace(workspaceId, (trx) => insertImport(trx, { workspaceId, id, actorType: actor.type, actorId: actor.id, now: ctx.now() }));
  hooks.onCreated?.(id);
  try {
    const { mac } = await storeUpload(ctx.db, ctx.vault, workspaceId, id, file, ctx.now);
    const parsed = ImportOptionsSchema.safeParse(await options());
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    await ctx.db.withWorkspace(workspaceId, async (trx) => {
      const stored: StoredOptions = { ...parsed.data, ...(scope !== undefined ? { ownerOnly: scope } : {}) };
      const sealed = await ctx.vault.sealJson(trx, OPTIONS_TARGET(workspaceId, id), stored);
      if (!(await queueImport(trx, workspaceId, id, sealed, parsed.data.duplicates, mac))) {
        throw new AppError(409, 'import-upload-interrupted', 'Upload interrupted', 'The upload stalled so long that the import was marked failed; send the file again.');
      }
      await enqueue(trx, { kind: IMPORT_JOB, payload: { importId: id }, workspaceId });
    });
    return id;
  } catch (err) {
    await ctx.db.withWorkspace(workspaceId, async (trx) => {
      await deleteImport(trx, workspaceId, id);
      // Chunks stored after the import was marked interrupted (the row stays, failed).
      await deleteChunks(trx, workspaceId, id, UPLOAD);
    });
    throw err;
  }
}

/** The error file: header, then each rejected row (line, column, reason), in line order. */
export async function* errorFile(ctx: Pick<AppContext, 'db' | 'vault'>, workspaceId: string, id: string): AsyncGenerator<Buffer> {
  yield Buffer.from(csvRow(['line', 'column', 'reason']));
  yield* readChunks(ctx.db, ctx.vault, workspaceId, id, ERRORS);
}
