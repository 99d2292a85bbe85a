/**
 * Segments: saved rules over contacts, members computed live. The definition
 * is sealed under the workspace's own data key (see the migration); counts
 * come from SQL over metadata and lookup rows and open no one's record.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../kernel/context.js';
import type { SealTarget } from '../../platform/crypto/index.js';
import type { Trx } from '../../platform/db/database.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { countMatching, type ListScope } from '../contacts/index.js';
import { compileRules, normalizeRules } from './rules.js';
import { deleteSegmentRow, insertSegment, segmentRow, segmentRowsAfter, updateSegmentRow, type SegmentRow } from './queries.js';
import type { Rule, SegmentInput, SegmentPatch, SegmentView } from './schemas.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

interface Definition {
  name: string;
  conditions: Rule[];
}

export interface Caller {
  workspaceId: string;
  userId: string | null;
  /** Record visibility 'own' (contacts' ownerScope): counts only this owner's contacts. */
  ownerOnly: string | null | undefined;
}

const target = (workspaceId: string, id: string, recordVersion: number): SealTarget =>
  ({ workspaceId, subjectId: null, table: 'segments', rowId: id, column: 'definition', recordVersion });

async function openDefinition(ctx: Ctx, trx: Trx, row: SegmentRow): Promise<Definition> {
  return ctx.vault.openJson<Definition>(trx, target(row.workspace_id, row.id, row.record_version), row.definition);
}

/** What an email or phone rule shows a reader who may not see it. */
export const MASKED_VALUE = '[hidden]';

/**
 * An email or phone rule names one person. A member under record visibility
 * 'own' sees those values only in segments they made: otherwise a segment
 * would show them a contact's address they may not read, off the record.
 */
function masksValues(caller: Caller, row: SegmentRow): boolean {
  return caller.ownerOnly !== undefined && (caller.userId === null || row.created_by !== caller.userId);
}

function maskRule(rule: Rule): Rule {
  return rule.type === 'email' || rule.type === 'phone' ? { ...rule, value: MASKED_VALUE } : rule;
}

async function viewOf(ctx: Ctx, trx: Trx, caller: Caller, row: SegmentRow, def: Definition): Promise<SegmentView> {
  const scope = await compileRules(ctx, trx, caller.workspaceId, def.conditions);
  const masked = masksValues(caller, row);
  return {
    id: row.id,
    name: def.name,
    conditions: masked ? def.conditions.map(maskRule) : def.conditions,
    ...(masked ? { conditionsMasked: true } : {}),
    count: await countMatching(trx, caller.workspaceId, scope.where, caller.ownerOnly),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    createdBy: row.created_by,
  };
}

async function rowOr404(trx: Trx, workspaceId: string, id: string): Promise<SegmentRow> {
  const row = await segmentRow(trx, workspaceId, id);
  if (!row) throw notFound('No such segment.');
  return row;
}

export async function createSegment(ctx: Ctx, trx: Trx, caller: Caller, input: SegmentInput): Promise<SegmentView> {
  const def: Definition = { name: input.name, conditions: await normalizeRules(trx, caller.workspaceId, input.conditions) };
  const id = randomUUID();
  const now = ctx.now();
  const row: SegmentRow = {
    workspace_id: caller.workspaceId, id, record_version: 1,
    definition: await ctx.vault.sealJson(trx, target(caller.workspaceId, id, 1), def),
    created_by: caller.userId, created_at: now, updated_at: now,
  };
  await insertSegment(trx, row);
  return viewOf(ctx, trx, caller, row, def);
}

export async function getSegment(ctx: Ctx, trx: Trx, caller: Caller, id: string): Promise<SegmentView> {
  const row = await rowOr404(trx, caller.workspaceId, id);
  return viewOf(ctx, trx, caller, row, await openDefinition(ctx, trx, row));
}

interface SegmentCursor {
  at: string;
  id: string;
}

function decodeCursor(raw: string | undefined): SegmentCursor | null {
  if (raw === undefined || raw === '') return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as SegmentCursor;
    if (!/^[0-9a-f-]{36}$/.test(c.id) || Number.isNaN(Date.parse(c.at))) throw new Error('bad cursor');
    return c;
  } catch {
    throw badRequest('The cursor is not valid for this list.', [{ path: 'cursor', message: 'Invalid cursor.' }]);
  }
}

/** Oldest first, each with its live count. */
export async function listSegments(ctx: Ctx, trx: Trx, caller: Caller, limit: number, cursor: string | undefined): Promise<{ items: SegmentView[]; nextCursor: string | null }> {
  const rows = await segmentRowsAfter(trx, caller.workspaceId, decodeCursor(cursor), limit + 1);
  const shown = rows.slice(0, limit);
  const items: SegmentView[] = [];
  for (const row of shown) items.push(await viewOf(ctx, trx, caller, row, await openDefinition(ctx, trx, row)));
  const last = shown[shown.length - 1];
  const next = rows.length > limit && last ? Buffer.from(JSON.stringify({ at: new Date(last.created_at).toISOString(), id: last.id })).toString('base64url') : null;
  return { items, nextCursor: next };
}

export async function updateSegment(ctx: Ctx, trx: Trx, caller: Caller, id: string, patch: SegmentPatch): Promise<SegmentView> {
  const row = await rowOr404(trx, caller.workspaceId, id);
  const before = await openDefinition(ctx, trx, row);
  const def: Definition = {
    name: patch.name ?? before.name,
    conditions: patch.conditions === undefined ? before.conditions : await normalizeRules(trx, caller.workspaceId, patch.conditions),
  };
  const version = row.record_version + 1;
  const set = { definition: await ctx.vault.sealJson(trx, target(caller.workspaceId, id, version), def), record_version: version, updated_at: ctx.now() };
  if (!(await updateSegmentRow(trx, caller.workspaceId, id, row.record_version, set))) {
    throw conflict('The segment changed meanwhile; reload it and try again.', 'edit-conflict');
  }
  return viewOf(ctx, trx, caller, { ...row, ...set }, def);
}

export async function deleteSegment(trx: Trx, workspaceId: string, id: string): Promise<void> {
  if (!(await deleteSegmentRow(trx, workspaceId, id))) throw notFound('No such segment.');
}

/** A segment as a contacts list scope (`GET /contacts?segmentId=`); 404 for another workspace's id. */
export async function segmentListScope(ctx: Ctx, trx: Trx, workspaceId: string, id: string): Promise<ListScope> {
  const row = await rowOr404(trx, workspaceId, id);
  const def = await openDefinition(ctx, trx, row);
  return compileRules(ctx, trx, workspaceId, def.conditions);
}
