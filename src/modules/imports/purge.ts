/**
 * Imports housekeeping (docs/imports.md "Housekeeping"), run every ten
 * minutes by the `imports.purge` job (src/context.ts):
 *
 * - an import still `uploading` whose upload stored nothing for
 *   INTERRUPTED_UPLOAD_MS was interrupted (its process is gone): it is marked
 *   failed and its sealed chunks go;
 * - an import still `uploading` a day after it was created (an upload that
 *   trickles on, or one from before migration 0027) was abandoned: its row
 *   goes, and its sealed chunks with it (ON DELETE CASCADE, migration 0020);
 * - the error file (import_chunks kind 2) of an import that ended more than
 *   IMPORT_ERRORS_RETENTION_DAYS ago goes; the row stays with its counters and
 *   `errors_expired_at` set (migration 0022), so its error route answers 410.
 *
 * Each visits every workspace in short transactions of at most PURGE_BATCH
 * imports, each writing its audit events (import ids only) with what it
 * deletes. "now" is an argument (DESIGN.md rule 7).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAuditMany } from '../../platform/audit/index.js';
import type { Database, Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { ERRORS } from './queries.js';

export const IMPORTS_PURGE_JOB = 'imports.purge';
/** An import still uploading this long after it began was abandoned (a 1 GiB upload needs only 12 KB/s to finish within it). */
export const ABANDONED_UPLOAD_MS = 24 * 3_600_000;
/**
 * An upload that stored no chunk for this long was interrupted. A chunk is
 * 256 KiB, so a live upload needs only ~440 bytes/s to stay clear of it.
 */
export const INTERRUPTED_UPLOAD_MS = 10 * 60_000;
/** Days an ended import's error file is kept: the default of IMPORT_ERRORS_RETENTION_DAYS. */
export const ERROR_FILE_RETENTION_DAYS = 30;
/** Imports handled per transaction. */
export const PURGE_BATCH = 500;

const DAY_MS = 86_400_000;

export interface PurgeBounds {
  /** Age after which an import still uploading is deleted (default ABANDONED_UPLOAD_MS). */
  abandonedUploadMs?: number;
  /** Days after its import ended that an error file is deleted (default ERROR_FILE_RETENTION_DAYS). */
  errorFileDays?: number;
}

export interface PurgeResult {
  abandonedUploads: number;
  interruptedUploads: number;
  expiredErrorFiles: number;
}

type Ctx = Pick<AppContext, 'db'>;

/** The housekeeping, in every workspace; the recurring job calls this. */
export async function purgeImports(ctx: Ctx, now: Date, bounds: PurgeBounds = {}): Promise<PurgeResult> {
  return {
    abandonedUploads: await purgeAbandonedUploads(ctx, now, bounds.abandonedUploadMs),
    interruptedUploads: await failInterruptedUploads(ctx, now),
    expiredErrorFiles: await expireErrorFiles(ctx, now, bounds.errorFileDays),
  };
}

/**
 * Marks failed (`upload_interrupted`) the imports still uploading whose
 * upload stored no chunk since `now - staleMs`: the process receiving it is
 * gone (killed, crashed, the client went away). Their chunks go; the row
 * stays, so the import lists as failed instead of waiting as queued. In
 * every workspace, or in one (the CLI, as it starts); returns how many.
 */
export async function failInterruptedUploads(ctx: Ctx, now: Date, staleMs = INTERRUPTED_UPLOAD_MS, workspaceId?: string): Promise<number> {
  const cutoff = new Date(now.getTime() - staleMs);
  const step = async (trx: Trx, ws: string): Promise<number> => {
    // SKIP LOCKED: a chunk being stored right now holds the row; that upload is alive.
    const r = await sql<{ id: string }>`with stale as (
        select id from imports where workspace_id = ${ws} and status = 'uploading' and coalesce(upload_seen_at, created_at) < ${cutoff}
        order by created_at, id limit ${PURGE_BATCH} for update skip locked
      ), chunks as (
        delete from import_chunks c using stale s where c.workspace_id = ${ws} and c.import_id = s.id
      )
      update imports i set status = 'failed', error_code = 'upload_interrupted', finished_at = ${now}
      from stale s where i.workspace_id = ${ws} and i.id = s.id
      returning i.id`.execute(trx);
    await recordAuditMany(trx, r.rows.map((x) => ({
      action: 'import.failed' as const,
      actor: { type: 'system' as const, id: null },
      details: { importId: auditId(x.id), reason: auditCode('upload_interrupted') },
    })));
    return r.rows.length;
  };
  if (workspaceId === undefined) return inBatches(ctx.db, step);
  let total = 0;
  for (;;) {
    const n = await ctx.db.withWorkspace(workspaceId, (trx) => step(trx, workspaceId));
    total += n;
    if (n < PURGE_BATCH) return total;
  }
}

/** Deletes the imports still uploading that began before `now - maxAgeMs`, with their chunks; returns how many. */
export async function purgeAbandonedUploads(ctx: Ctx, now: Date, maxAgeMs = ABANDONED_UPLOAD_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - maxAgeMs);
  return inBatches(ctx.db, async (trx, ws) => {
    // SKIP LOCKED: an upload being queued at this very moment is left for the next round.
    const r = await sql<{ id: string }>`delete from imports where workspace_id = ${ws} and id in (
        select id from imports where workspace_id = ${ws} and status = 'uploading' and created_at < ${cutoff}
        order by created_at, id limit ${PURGE_BATCH} for update skip locked)
      returning id`.execute(trx);
    await recordAuditMany(trx, r.rows.map((x) => ({
      action: 'import.purged' as const,
      actor: { type: 'system' as const, id: null },
      details: { importId: auditId(x.id), reason: auditCode('upload_abandoned') },
    })));
    return r.rows.length;
  });
}

/**
 * Deletes the error files of the imports that ended (done or failed) before
 * `now - days`, and marks them expired; returns how many imports. An import
 * without rejected rows has an empty error file: it is marked all the same,
 * so every error route older than the bound answers alike.
 */
export async function expireErrorFiles(ctx: Ctx, now: Date, days = ERROR_FILE_RETENTION_DAYS): Promise<number> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return inBatches(ctx.db, async (trx, ws) => {
    const r = await sql<{ id: string }>`with expired as (
        select id from imports where workspace_id = ${ws} and status in ('done', 'failed') and finished_at < ${cutoff}
          and errors_expired_at is null
        order by finished_at, id limit ${PURGE_BATCH} for update skip locked
      ), files as (
        delete from import_chunks c using expired e where c.workspace_id = ${ws} and c.import_id = e.id and c.kind = ${ERRORS}
      )
      update imports i set errors_expired_at = ${now} from expired e where i.workspace_id = ${ws} and i.id = e.id
      returning i.id`.execute(trx);
    await recordAuditMany(trx, r.rows.map((x) => ({
      action: 'import_errors.expired' as const,
      actor: { type: 'system' as const, id: null },
      details: { importId: auditId(x.id) },
    })));
    return r.rows.length;
  });
}

/** 410 for an error file the purge deleted (the import's counters remain). */
export const errorFileExpired = (days: number): AppError =>
  new AppError(410, 'import-errors-expired', 'Error file expired',
    `This import's error file was deleted when it expired (error files are kept ${days} days after the import ends). The import's counters remain.`);

/** Whether the purge deleted this import's error file. */
export async function errorFileGone(ctx: Ctx, workspaceId: string, importId: string): Promise<boolean> {
  const r = await ctx.db.withWorkspace(workspaceId, (trx) => sql<{ gone: boolean }>`
    select errors_expired_at is not null as gone from imports where workspace_id = ${workspaceId} and id = ${importId}`.execute(trx));
  return r.rows[0]?.gone ?? false;
}

/** Runs `step` in each workspace, one transaction per batch, until a batch comes back short; returns the total. */
async function inBatches(db: Database, step: (trx: Trx, workspaceId: string) => Promise<number>): Promise<number> {
  const ids = await db.withSystem((trx) => sql<{ id: string }>`select confidant_workspace_ids() as id`.execute(trx));
  let total = 0;
  for (const { id } of ids.rows) {
    for (;;) {
      const n = await db.withWorkspace(id, (trx) => step(trx, id));
      total += n;
      if (n < PURGE_BATCH) break;
    }
  }
  return total;
}
