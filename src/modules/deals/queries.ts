/** The deals module's tables (src/migrations/0014_deals_notes_tasks.sql) and its queries. */
import type { Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export interface PipelinesTable {
  workspace_id: string;
  id: string;
  name: string;
  position: number;
  created_at: Date;
}

export type StageKind = 'open' | 'won' | 'lost';

export interface PipelineStagesTable {
  workspace_id: string;
  id: string;
  pipeline_id: string;
  name: string;
  position: number;
  probability: number;
  kind: StageKind;
}

export interface DealsTable {
  workspace_id: string;
  id: string;
  pipeline_id: string;
  stage_id: string;
  amount_cents: number | null;
  currency: string | null;
  expected_close: string | null;
  owner_id: string | null;
  company_id: string | null;
  contact_id: string | null;
  subject_id: string | null;
  position: number;
  record_version: number;
  record: Buffer;
  created_at: Date;
  updated_at: Date;
  stage_changed_at: Date;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    pipelines: PipelinesTable;
    pipeline_stages: PipelineStagesTable;
    deals: DealsTable;
  }
}

export type PipelineRow = Selectable<PipelinesTable>;
export type StageRow = Selectable<PipelineStagesTable>;
export type DealRow = Selectable<DealsTable>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string): boolean => UUID_RE.test(v);

export async function pipelineRows(trx: Trx, ws: string): Promise<PipelineRow[]> {
  return trx.selectFrom('pipelines').selectAll().where('workspace_id', '=', ws).orderBy('position').orderBy('created_at').orderBy('id').execute();
}

export async function stageRows(trx: Trx, ws: string, pipelineIds: readonly string[]): Promise<StageRow[]> {
  if (pipelineIds.length === 0) return [];
  return trx.selectFrom('pipeline_stages').selectAll().where('workspace_id', '=', ws)
    .where('pipeline_id', 'in', [...pipelineIds]).orderBy('position').orderBy('id').execute();
}

export async function stageRow(trx: Trx, ws: string, id: string): Promise<StageRow | undefined> {
  if (!isUuid(id)) return undefined;
  return trx.selectFrom('pipeline_stages').selectAll().where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export async function pipelineRow(trx: Trx, ws: string, id: string): Promise<PipelineRow | undefined> {
  if (!isUuid(id)) return undefined;
  return trx.selectFrom('pipelines').selectAll().where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export async function dealRow(trx: Trx, ws: string, id: string, forUpdate = false): Promise<DealRow | undefined> {
  if (!isUuid(id)) return undefined;
  let q = trx.selectFrom('deals').selectAll().where('workspace_id', '=', ws).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export interface DealFilter {
  pipelineId?: string | undefined;
  stageId?: string | undefined;
  ownerId?: string | undefined;
  contactId?: string | undefined;
}

/** A board page: by pipeline, stage, position, id (the deals_board index); keyset after `after`. */
export interface BoardKey { pipelineId: string; stageId: string; position: number; id: string }

export async function dealPage(trx: Trx, ws: string, f: DealFilter, after: BoardKey | null, limit: number): Promise<DealRow[]> {
  let q = trx.selectFrom('deals').selectAll().where('workspace_id', '=', ws);
  if (f.pipelineId) q = q.where('pipeline_id', '=', f.pipelineId);
  if (f.stageId) q = q.where('stage_id', '=', f.stageId);
  if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
  if (f.contactId) q = q.where('contact_id', '=', f.contactId);
  if (after) {
    q = q.where((eb) => eb(eb.refTuple('pipeline_id', 'stage_id', 'position', 'id'), '>', eb.tuple(after.pipelineId, after.stageId, after.position, after.id)));
  }
  return q.orderBy('pipeline_id').orderBy('stage_id').orderBy('position').orderBy('id').limit(limit).execute();
}

/** Makes room at `position` in a stage: the deals at or after it move down one. */
export async function shiftStage(trx: Trx, ws: string, stageId: string, position: number, exceptId: string): Promise<void> {
  await trx.updateTable('deals').set((eb) => ({ position: eb('position', '+', 1) }))
    .where('workspace_id', '=', ws).where('stage_id', '=', stageId).where('position', '>=', position).where('id', '!=', exceptId).execute();
}

/** The position after the last deal of a stage. */
export async function endOfStage(trx: Trx, ws: string, stageId: string): Promise<number> {
  const r = await trx.selectFrom('deals').select((eb) => eb.fn.max('position').as('max')).where('workspace_id', '=', ws).where('stage_id', '=', stageId).executeTakeFirst();
  return r?.max === null || r?.max === undefined ? 0 : Number(r.max) + 1;
}

export async function dealsOfStage(trx: Trx, ws: string, stageId: string): Promise<number> {
  const r = await trx.selectFrom('deals').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', ws).where('stage_id', '=', stageId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function dealsOfPipeline(trx: Trx, ws: string, pipelineId: string): Promise<number> {
  const r = await trx.selectFrom('deals').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', ws).where('pipeline_id', '=', pipelineId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Deals about one contact, newest first (the timeline). */
export async function dealsOfContact(trx: Trx, ws: string, contactId: string, limit: number): Promise<DealRow[]> {
  return trx.selectFrom('deals').selectAll().where('workspace_id', '=', ws).where('contact_id', '=', contactId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
