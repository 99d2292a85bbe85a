/** The status an import shows (GET /api/v1/imports/{id}, the CLI's --json). */
import type { AppContext } from '../../app.js';
import { importRow, type ImportRow } from './queries.js';
import type { ImportStatusView } from './schemas.js';

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
