/**
 * Pipelines and their stages. Names are workspace vocabulary, not personal
 * data: in clear. A workspace gets the default "Sales" pipeline the first time
 * it lists pipelines or creates a deal without naming one.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { auditId, recordAudit, type AuditEventInput } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { conflict, notFound } from '../../platform/errors.js';
import * as q from './queries.js';

export interface Stage { id: string; name: string; position: number; probability: number; kind: q.StageKind }
export interface Pipeline { id: string; name: string; position: number; stages: Stage[] }
export interface StageInput { name: string; position?: number | undefined; probability?: number | undefined; kind?: q.StageKind | undefined }

export interface PipelineWrite {
  workspaceId: string;
  now: Date;
  actor: AuditEventInput['actor'];
  requestId: string | null;
}

const DEFAULT_STAGES: ReadonlyArray<Required<StageInput>> = [
  { name: 'Lead', position: 0, probability: 10, kind: 'open' },
  { name: 'Qualified', position: 1, probability: 25, kind: 'open' },
  { name: 'Proposal', position: 2, probability: 50, kind: 'open' },
  { name: 'Negotiation', position: 3, probability: 75, kind: 'open' },
  { name: 'Won', position: 4, probability: 100, kind: 'won' },
  { name: 'Lost', position: 5, probability: 0, kind: 'lost' },
];

const stageView = (s: q.StageRow): Stage => ({ id: s.id, name: s.name, position: s.position, probability: s.probability, kind: s.kind });

async function insertStages(trx: Trx, ws: string, pipelineId: string, stages: readonly StageInput[]): Promise<void> {
  if (stages.length === 0) return;
  await trx.insertInto('pipeline_stages').values(stages.map((s, i) => ({
    workspace_id: ws, id: randomUUID(), pipeline_id: pipelineId, name: s.name, position: s.position ?? i, probability: s.probability ?? 0, kind: s.kind ?? 'open',
  }))).execute();
}

/**
 * Creates the default pipeline when the workspace has none. A transaction-scoped
 * advisory lock keeps two first requests from both creating it.
 */
export async function ensureDefaultPipeline(trx: Trx, ws: string, now: Date): Promise<void> {
  const has = async () => (await trx.selectFrom('pipelines').select('id').where('workspace_id', '=', ws).limit(1).execute()).length > 0;
  if (await has()) return;
  await sql`select pg_advisory_xact_lock(hashtext(${`confidant.pipelines:${ws}`}))`.execute(trx);
  if (await has()) return;
  const id = randomUUID();
  await trx.insertInto('pipelines').values({ workspace_id: ws, id, name: 'Sales', position: 0, created_at: now }).execute();
  await insertStages(trx, ws, id, DEFAULT_STAGES);
}

export async function listPipelines(trx: Trx, ws: string, now: Date): Promise<Pipeline[]> {
  await ensureDefaultPipeline(trx, ws, now);
  const pipes = await q.pipelineRows(trx, ws);
  const stages = await q.stageRows(trx, ws, pipes.map((p) => p.id));
  return pipes.map((p) => ({ id: p.id, name: p.name, position: p.position, stages: stages.filter((s) => s.pipeline_id === p.id).map(stageView) }));
}

export async function getPipeline(trx: Trx, ws: string, id: string): Promise<Pipeline> {
  const p = await q.pipelineRow(trx, ws, id);
  if (!p) throw notFound('No such pipeline.');
  return { id: p.id, name: p.name, position: p.position, stages: (await q.stageRows(trx, ws, [p.id])).map(stageView) };
}

/** The first pipeline (by position) and its first open stage: where a deal lands when none is named. */
export async function defaultStage(trx: Trx, ws: string, now: Date): Promise<{ pipelineId: string; stageId: string }> {
  const [p] = await listPipelines(trx, ws, now);
  const stage = p?.stages.find((s) => s.kind === 'open') ?? p?.stages[0];
  if (!p || !stage) throw conflict('The workspace has no pipeline stage to put a deal in.', 'no-stage');
  return { pipelineId: p.id, stageId: stage.id };
}

const audit = (trx: Trx, w: PipelineWrite, action: `pipeline.${string}`, pipelineId: string) =>
  recordAudit(trx, { action, actor: w.actor, details: { pipelineId: auditId(pipelineId) }, requestId: w.requestId });

export async function createPipeline(trx: Trx, w: PipelineWrite, input: { name: string; position?: number | undefined; stages: readonly StageInput[] }): Promise<Pipeline> {
  await ensureDefaultPipeline(trx, w.workspaceId, w.now);
  const id = randomUUID();
  await trx.insertInto('pipelines').values({ workspace_id: w.workspaceId, id, name: input.name, position: input.position ?? 0, created_at: w.now }).execute();
  await insertStages(trx, w.workspaceId, id, input.stages);
  await audit(trx, w, 'pipeline.created', id);
  return getPipeline(trx, w.workspaceId, id);
}

export async function updatePipeline(trx: Trx, w: PipelineWrite, id: string, patch: { name?: string | undefined; position?: number | undefined }): Promise<Pipeline> {
  if (!(await q.pipelineRow(trx, w.workspaceId, id))) throw notFound('No such pipeline.');
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length > 0) await trx.updateTable('pipelines').set(set).where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute();
  await audit(trx, w, 'pipeline.updated', id);
  return getPipeline(trx, w.workspaceId, id);
}

/** A pipeline still holding deals is not deleted (409): its deals would lose their stage. */
export async function deletePipeline(trx: Trx, w: PipelineWrite, id: string): Promise<void> {
  if (!(await q.pipelineRow(trx, w.workspaceId, id))) throw notFound('No such pipeline.');
  if ((await q.dealsOfPipeline(trx, w.workspaceId, id)) > 0) throw conflict('Move or delete this pipeline’s deals first.', 'pipeline-in-use');
  await trx.deleteFrom('pipelines').where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute();
  await audit(trx, w, 'pipeline.deleted', id);
}

export async function addStage(trx: Trx, w: PipelineWrite, pipelineId: string, input: StageInput): Promise<Pipeline> {
  const p = await getPipeline(trx, w.workspaceId, pipelineId);
  await insertStages(trx, w.workspaceId, pipelineId, [{ ...input, position: input.position ?? p.stages.length }]);
  await audit(trx, w, 'pipeline.updated', pipelineId);
  return getPipeline(trx, w.workspaceId, pipelineId);
}

export async function updateStage(trx: Trx, w: PipelineWrite, pipelineId: string, stageId: string, patch: Partial<StageInput>): Promise<Pipeline> {
  const s = await q.stageRow(trx, w.workspaceId, stageId);
  if (!s || s.pipeline_id !== pipelineId) throw notFound('No such stage.');
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length > 0) await trx.updateTable('pipeline_stages').set(set).where('workspace_id', '=', w.workspaceId).where('id', '=', stageId).execute();
  await audit(trx, w, 'pipeline.updated', pipelineId);
  return getPipeline(trx, w.workspaceId, pipelineId);
}

export async function deleteStage(trx: Trx, w: PipelineWrite, pipelineId: string, stageId: string): Promise<Pipeline> {
  const s = await q.stageRow(trx, w.workspaceId, stageId);
  if (!s || s.pipeline_id !== pipelineId) throw notFound('No such stage.');
  if ((await q.dealsOfStage(trx, w.workspaceId, stageId)) > 0) throw conflict('Move this stage’s deals first.', 'stage-in-use');
  await trx.deleteFrom('pipeline_stages').where('workspace_id', '=', w.workspaceId).where('id', '=', stageId).execute();
  await audit(trx, w, 'pipeline.updated', pipelineId);
  return getPipeline(trx, w.workspaceId, pipelineId);
}
