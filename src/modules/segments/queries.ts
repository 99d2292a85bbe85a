/** All SQL of the segments module. */
import { sql, type Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export interface SegmentsTable {
  workspace_id: string;
  id: string;
  record_version: number;
  definition: Buffer;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    segments: SegmentsTable;
  }
}

export type SegmentRow = Selectable<SegmentsTable>;

export async function insertSegment(trx: Trx, row: SegmentsTable): Promise<void> {
  await trx.insertInto('segments').values(row).execute();
}

export async function segmentRow(trx: Trx, workspaceId: string, id: string): Promise<SegmentRow | undefined> {
  return trx.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** A page in (created_at, id) order, after a keyset. */
export async function segmentRowsAfter(trx: Trx, workspaceId: string, after: { at: string; id: string } | null, limit: number): Promise<SegmentRow[]> {
  let q = trx.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId);
  if (after) q = q.where(sql<boolean>`(created_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function updateSegmentRow(
  trx: Trx, workspaceId: string, id: string, previousVersion: number,
  set: Pick<SegmentsTable, 'definition' | 'record_version' | 'updated_at'>,
): Promise<boolean> {
  const r = await trx.updateTable('segments').set(set)
    .where('workspace_id', '=', workspaceId).where('id', '=', id).where('record_version', '=', previousVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteSegmentRow(trx: Trx, workspaceId: string, id: string): Promise<boolean> {
  const r = await trx.deleteFrom('segments').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
