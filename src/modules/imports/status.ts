/** The status an import shows (GET /api/v1/imports/{id}, the CLI's --json), and the list of imports. */
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { badRequest } from '../../platform/errors.js';
import { importPage, importRow, type ImportRow } from './queries.js';
import type { ImportList, ImportStatusView } from './schemas.js';

export function statusView(row: ImportRow): ImportStatusView {
  return {
    id: row.id,
    status: row.status === 'uploading' ? 'queued' : row.status,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    rejected: row.rejected,
    errorsUrl: `/api/v1/imports/${row.id}/errors`,
    error: row.error_code,
  };
}

export async function importStatus(ctx: Pick<AppContext, 'db'>, workspaceId: string, id: string): Promise<ImportStatusView | null> {
  const row = await ctx.db.withWorkspace(workspaceId, (trx) => importRow(trx, workspaceId, id));
  return row ? statusView(row) : null;
}

/** The keyset cursor of the list: the last item's (created_at, id), opaque to clients. */
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !id || !z.uuid().safeParse(id).success) throw badRequest('The cursor is not valid.');
  return { createdAt, id };
}

/** A page of the workspace's imports, newest first (GET /api/v1/imports). */
export async function listImports(ctx: Pick<AppContext, 'db'>, workspaceId: string, q: { limit: number; cursor?: string | undefined }): Promise<ImportList> {
  const after = decodeCursor(q.cursor);
  const rows = await ctx.db.withWorkspace(workspaceId, (trx) => importPage(trx, workspaceId, after, q.limit + 1));
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...statusView(r), createdAt: new Date(r.created_at).toISOString(), finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString() })),
    nextCursor: rows.length > page.length && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}
