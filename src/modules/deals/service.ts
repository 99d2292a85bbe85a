/**
 * Deals: amounts, dates and references in clear; title and description sealed
 * under the main contact's key (else the workspace key) — docs/crm-deals-notes-tasks.md.
 * Reads here are not audited: the route that shows people records the read.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAudit, type AuditEventInput } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { conflict, forbidden, notFound, validationFailed } from '../../platform/errors.js';
import { companyExists } from '../companies/index.js';
import { getVisibleContacts, visibleContactIds, type OwnerScope } from '../contacts/index.js';
import { displayName, openMany, sealText, type SealedRef } from '../../platform/crypto/sealed-text.js';
import { defaultStage } from './pipelines.js';
import * as q from './queries.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

interface DealText { title: string; description: string | null }

export interface Deal {
  id: string; pipelineId: string; stageId: string;
  /** null with `erased` when the contact it was about was erased, or with `contactHidden`. */
  title: string | null; description: string | null; erased: boolean;
  /** The contact is outside the caller's record visibility: its id, its name and the deal's text (sealed under its key) are withheld. */
  contactHidden: boolean;
  amountCents: number | null; currency: string | null; expectedClose: string | null;
  ownerId: string | null; companyId: string | null; contactId: string | null; contactName: string | null;
  position: number; createdAt: string; updatedAt: string; stageChangedAt: string;
}

export interface DealInput {
  title: string; description?: string | null | undefined; pipelineId?: string | undefined; stageId?: string | undefined;
  amountCents?: number | null | undefined; currency?: string | null | undefined; expectedClose?: string | null | undefined;
  ownerId?: string | null | undefined; companyId?: string | null | undefined; contactId?: string | null | undefined; position?: number | undefined;
}
export type DealPatch = Partial<DealInput>;

export interface DealWrite {
  workspaceId: string;
  actor: AuditEventInput['actor'];
  requestId: string | null;
  /** The writer's record visibility (contacts' ownerScope): which contacts it may name and see. */
  scope: OwnerScope;
}

const ref = (row: Pick<q.DealRow, 'id' | 'record_version' | 'subject_id'>): SealedRef =>
  ({ table: 'deals', column: 'record', rowId: row.id, recordVersion: row.record_version, subjectId: row.subject_id });

const subjects = (contactId: string | null): string[] => (contactId ? [contactId] : []);

/**
 * Deal rows as the API shows them, with contact names; `shown` lists the people whose data is in the answer.
 * A deal whose contact `scope` cannot see is still shown (a business record), with that person's id and name
 * and the deal's text withheld (`contactHidden`) and never decrypted.
 */
export async function dealViews(ctx: Ctx, trx: Trx, ws: string, rows: readonly q.DealRow[], scope: OwnerScope): Promise<{ items: Deal[]; shown: string[] }> {
  const contactIds = [...new Set(rows.flatMap((r) => subjects(r.contact_id)))];
  const names = new Map((await getVisibleContacts(ctx, trx, ws, contactIds, scope)).map((c) => [c.id, displayName(c)]));
  const hidden = (r: q.DealRow): boolean => r.contact_id !== null && !names.has(r.contact_id);
  const open = rows.filter((r) => !hidden(r));
  const opened = await openMany<DealText>(trx, ctx.vault, ws, open.map((r) => ({ ref: ref(r), sealed: r.record })));
  const texts = new Map(open.map((r, i) => [r.id, opened[i] ?? null]));
  const items = rows.map((r): Deal => {
    const withheld = hidden(r);
    const t = texts.get(r.id) ?? null;
    return {
      id: r.id, pipelineId: r.pipeline_id, stageId: r.stage_id, title: t?.title ?? null, description: t?.description ?? null,
      erased: !withheld && t === null, contactHidden: withheld,
      amountCents: r.amount_cents === null ? null : Number(r.amount_cents), currency: r.currency, expectedClose: dateOnly(r.expected_close),
      ownerId: r.owner_id, companyId: r.company_id, contactId: withheld ? null : r.contact_id, contactName: r.contact_id ? names.get(r.contact_id) ?? null : null,
      position: r.position, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), stageChangedAt: iso(r.stage_changed_at),
    };
  });
  return { items, shown: [...names.keys()] };
}

/** The person a shown deal is about (its `contactId` is given only when that person is visible). */
export const shownBy = (deal: Pick<Deal, 'contactId'>): string[] => subjects(deal.contactId);

const iso = (d: Date | string): string => new Date(d).toISOString();
/** PGlite and pg may hand a date column back as a Date or a string. */
function dateOnly(v: string | Date | null): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v.slice(0, 10);
  return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
}

/** The contact (visible to the writer) and company named by an input must exist in this workspace (422 otherwise). */
async function checkRefs(trx: Trx, w: DealWrite, contactId: string | null | undefined, companyId: string | null | undefined): Promise<void> {
  if (contactId && !(await visibleContactIds(trx, w.workspaceId, [contactId], w.scope)).has(contactId)) {
    throw validationFailed([{ path: 'contactId', message: 'No contact of this workspace has this id.' }]);
  }
  if (companyId && !(await companyExists(trx, companyId))) {
    throw validationFailed([{ path: 'companyId', message: 'No company of this workspace has this id.' }]);
  }
}

/** A foreign key left (a member id not in this workspace) is the caller's mistake: 422, no values quoted. */
export async function memberRef<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err as { code?: unknown }).code === '23503') throw validationFailed([{ path, message: 'No member of this workspace has this id.' }]);
    throw err;
  }
}

async function resolveStage(ctx: Ctx, trx: Trx, ws: string, pipelineId: string | undefined, stageId: string | undefined): Promise<q.StageRow> {
  const id = stageId ?? (pipelineId ? undefined : (await defaultStage(trx, ws, ctx.now())).stageId);
  if (!id && pipelineId) {
    const stages = (await q.stageRows(trx, ws, [pipelineId]));
    const first = stages.find((s) => s.kind === 'open') ?? stages[0];
    if (!first) throw validationFailed([{ path: 'pipelineId', message: 'No pipeline of this workspace with stages has this id.' }]);
    return first;
  }
  const stage = await q.stageRow(trx, ws, id!);
  if (!stage || (pipelineId && stage.pipeline_id !== pipelineId)) throw validationFailed([{ path: 'stageId', message: 'No stage of this pipeline has this id.' }]);
  return stage;
}

export async function createDeal(ctx: Ctx, trx: Trx, w: DealWrite, input: DealInput): Promise<Deal> {
  const ws = w.workspaceId;
  await checkRefs(trx, w, input.contactId, input.companyId);
  const stage = await resolveStage(ctx, trx, ws, input.pipelineId, input.stageId);
  const id = randomUUID();
  const contactId = input.contactId ?? null;
  const now = ctx.now();
  const position = input.position ?? (await q.endOfStage(trx, ws, stage.id));
  if (input.position !== undefined) await q.shiftStage(trx, ws, stage.id, position, id);
  const row: q.DealRow = {
    workspace_id: ws, id, pipeline_id: stage.pipeline_id, stage_id: stage.id, amount_cents: input.amountCents ?? null, currency: input.currency ?? null,
    expected_close: input.expectedClose ?? null, owner_id: input.ownerId ?? null, company_id: input.companyId ?? null, contact_id: contactId,
    subject_id: contactId, position, record_version: 1, record: Buffer.alloc(0), created_at: now, updated_at: now, stage_changed_at: now,
  };
  row.record = await sealText(trx, ctx.vault, ws, ref(row), { title: input.title, description: input.description ?? null } satisfies DealText);
  await memberRef('ownerId', () => trx.insertInto('deals').values(row).execute());
  await recordAudit(trx, { action: 'deal.created', actor: w.actor, subjectIds: subjects(contactId), details: { dealId: auditId(id) }, requestId: w.requestId });
  return (await dealViews(ctx, trx, ws, [row], w.scope)).items[0]!;
}

export async function getDealRow(trx: Trx, ws: string, id: string, forUpdate = false): Promise<q.DealRow> {
  const row = await q.dealRow(trx, ws, id, forUpdate);
  if (!row) throw notFound('No such deal.');
  return row;
}

const TEXT_FIELDS = ['title', 'description'] as const;

/** New text (and its key) after a patch; null when the record stays as it is (no text given, or the same text about the same person). */
async function patchedText(ctx: Ctx, trx: Trx, row: q.DealRow, patch: DealPatch, contactId: string | null): Promise<DealText | null> {
  const touchesText = TEXT_FIELDS.some((k) => patch[k] !== undefined) || contactId !== row.contact_id;
  if (!touchesText) return null;
  const [current] = await openMany<DealText>(trx, ctx.vault, row.workspace_id, [{ ref: ref(row), sealed: row.record }]);
  if (!current && patch.title === undefined) throw conflict('This deal’s text was erased with its contact; give a new title.', 'deal-text-erased');
  const text = { title: patch.title ?? current!.title, description: patch.description !== undefined ? patch.description : current?.description ?? null };
  const same = current && contactId === row.subject_id && text.title === current.title && text.description === (current.description ?? null);
  return same ? null : text;
}

/** Plain columns a patch sets, by field name. */
const PLAIN = [['amountCents', 'amount_cents'], ['currency', 'currency'], ['expectedClose', 'expected_close'], ['ownerId', 'owner_id'], ['companyId', 'company_id']] as const;

/**
 * Applies a patch. Only what differs is written and audited: a patch that
 * changes nothing (an empty one, or the values the deal has) writes nothing
 * and leaves `updatedAt` and the record version as they were.
 */
export async function updateDeal(ctx: Ctx, trx: Trx, w: DealWrite, id: string, patch: DealPatch): Promise<Deal> {
  const ws = w.workspaceId;
  const row = await getDealRow(trx, ws, id, true);
  await checkRefs(trx, w, patch.contactId, patch.companyId);
  const contactId = patch.contactId !== undefined ? patch.contactId : row.contact_id;
  const touchesPerson = TEXT_FIELDS.some((k) => patch[k] !== undefined) || contactId !== row.contact_id;
  if (touchesPerson && row.contact_id !== null && !(await visibleContactIds(trx, ws, [row.contact_id], w.scope)).has(row.contact_id)) {
    throw forbidden('This deal is about a contact outside your record visibility: its text and contact cannot be changed.', 'contact-not-visible');
  }
  const next: q.DealRow = { ...row, updated_at: ctx.now() };
  const text = await patchedText(ctx, trx, row, patch, contactId);
  if (text) {
    Object.assign(next, { record_version: row.record_version + 1, contact_id: contactId, subject_id: contactId });
    next.record = await sealText(trx, ctx.vault, ws, ref(next), text);
  } else if (contactId !== row.contact_id) {
    next.contact_id = contactId;
  }
  const moved = await applyMove(ctx, trx, next, patch);
  const plain = PLAIN.filter(([k, col]) => patch[k] !== undefined && String(patch[k]) !== String(dateOrValue(row[col])));
  for (const [k, col] of plain) Object.assign(next, { [col]: patch[k] });
  const fields = [...(text ? TEXT_FIELDS.filter((k) => patch[k] !== undefined) : []), ...(contactId !== row.contact_id ? ['contactId'] : []), ...plain.map(([k]) => k)];
  if (!moved && fields.length === 0) return (await dealViews(ctx, trx, ws, [row], w.scope)).items[0]!;
  const { workspace_id: _w, id: _i, ...set } = next;
  await memberRef('ownerId', () => trx.updateTable('deals').set(set).where('workspace_id', '=', ws).where('id', '=', id).execute());
  const subjectIds = [...new Set([...subjects(row.contact_id), ...subjects(contactId)])];
  if (moved) await recordAudit(trx, { action: 'deal.moved', actor: w.actor, subjectIds, details: { dealId: auditId(id), stageId: auditId(next.stage_id) }, requestId: w.requestId });
  if (fields.length > 0) {
    await recordAudit(trx, { action: 'deal.updated', actor: w.actor, subjectIds, details: { dealId: auditId(id), fields: fields.map((f) => auditCode(f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))) }, requestId: w.requestId });
  }
  return (await dealViews(ctx, trx, ws, [next], w.scope)).items[0]!;
}

/** A stored value as a patch gives it: a date column as YYYY-MM-DD, a bigint as its digits. */
function dateOrValue(v: unknown): unknown {
  return v instanceof Date ? dateOnly(v) : v;
}

/** A move to another stage or position (the board): makes room, sets the new place. True when the deal moved. */
async function applyMove(ctx: Ctx, trx: Trx, next: q.DealRow, patch: DealPatch): Promise<boolean> {
  // A pipeline alone moves the deal to that pipeline's first stage; an unknown or
  // another workspace's pipeline is a 422, never ignored.
  const toPipeline = patch.stageId === undefined && patch.pipelineId !== undefined && patch.pipelineId !== next.pipeline_id;
  if (patch.stageId === undefined && patch.position === undefined && !toPipeline) return false;
  const stage = patch.stageId || toPipeline ? await resolveStage(ctx, trx, next.workspace_id, patch.pipelineId, patch.stageId) : null;
  const stageId = stage?.id ?? next.stage_id;
  if (stageId === next.stage_id && (patch.position === undefined || patch.position === next.position)) return false;
  const position = patch.position ?? (stageId === next.stage_id ? next.position : await q.endOfStage(trx, next.workspace_id, stageId));
  if (patch.position !== undefined) await q.shiftStage(trx, next.workspace_id, stageId, position, next.id);
  if (stage && stage.id !== next.stage_id) Object.assign(next, { pipeline_id: stage.pipeline_id, stage_id: stage.id, stage_changed_at: next.updated_at });
  next.position = position;
  return true;
}

export async function deleteDeal(trx: Trx, w: DealWrite, id: string): Promise<void> {
  const row = await getDealRow(trx, w.workspaceId, id, true);
  await trx.deleteFrom('deals').where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute();
  await recordAudit(trx, { action: 'deal.deleted', actor: w.actor, subjectIds: subjects(row.contact_id), details: { dealId: auditId(id) }, requestId: w.requestId });
}

export interface DealListRequest extends q.DealFilter { limit: number; cursor?: string | undefined; scope: OwnerScope }

/** One board-ordered page (pipeline, stage, position); the cursor is the last deal's place. */
export async function listDeals(ctx: Ctx, trx: Trx, ws: string, req: DealListRequest): Promise<{ items: Deal[]; nextCursor: string | null; shown: string[] }> {
  const rows = await q.dealPage(trx, ws, req, req.cursor ? decodeCursor(req.cursor) : null, req.limit + 1);
  const page = rows.slice(0, req.limit);
  const last = page[page.length - 1];
  const { items, shown } = await dealViews(ctx, trx, ws, page, req.scope);
  const nextCursor = rows.length > req.limit && last ? Buffer.from(JSON.stringify([last.pipeline_id, last.stage_id, last.position, last.id])).toString('base64url') : null;
  return { items, nextCursor, shown };
}

function decodeCursor(cursor: string): q.BoardKey {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 4 && q.isUuid(String(v[0])) && q.isUuid(String(v[1])) && Number.isInteger(v[2]) && q.isUuid(String(v[3]))) {
      return { pipelineId: String(v[0]), stageId: String(v[1]), position: Number(v[2]), id: String(v[3]) };
    }
  } catch {
    // fall through: a malformed cursor is the caller's mistake
  }
  throw validationFailed([{ path: 'cursor', message: 'The cursor is not one this list gave out.' }]);
}
