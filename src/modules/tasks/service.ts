/**
 * Tasks: due date, assignee and done in clear (lists filter and sort on them);
 * the title sealed under the contact's key, else the workspace key. A task
 * outlives its contact: the title then reads as erased.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAudit, type AuditEventInput } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { conflict, forbidden, notFound, validationFailed } from '../../platform/errors.js';
import { getVisibleContacts, visibleContactIds, type OwnerScope } from '../contacts/index.js';
import { getDealRow, memberRef } from '../deals/index.js';
import { displayName, openMany, sealText, type SealedRef } from '../../platform/crypto/sealed-text.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

export interface TasksTable {
  workspace_id: string; id: string; contact_id: string | null; subject_id: string | null; deal_id: string | null; assignee_id: string | null;
  due_at: Date | null; done_at: Date | null; record_version: number; record: Buffer; created_by: string | null; created_at: Date; updated_at: Date;
}
declare module '../../platform/db/schema.js' {
  interface DB { tasks: TasksTable }
}

export interface Task {
  /** `title` is null with `erased` (its contact was erased) or with `contactHidden` (outside the caller's record visibility: id, name and title withheld). */
  id: string; title: string | null; erased: boolean; contactHidden: boolean; dueAt: string | null; done: boolean; doneAt: string | null;
  assigneeId: string | null; contactId: string | null; contactName: string | null; dealId: string | null; createdAt: string; updatedAt: string;
}
export interface TaskInput {
  title: string; dueAt?: string | null | undefined; assigneeId?: string | null | undefined; contactId?: string | null | undefined;
  dealId?: string | null | undefined; done?: boolean | undefined;
}
export type TaskPatch = Partial<TaskInput>;
export interface TaskWrite {
  workspaceId: string; userId: string | null; actor: AuditEventInput['actor']; requestId: string | null;
  /** The writer's record visibility (contacts' ownerScope). */
  scope: OwnerScope;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ref = (r: Pick<TasksTable, 'id' | 'record_version' | 'subject_id'>): SealedRef =>
  ({ table: 'tasks', column: 'record', rowId: r.id, recordVersion: r.record_version, subjectId: r.subject_id });
const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());
const subjects = (...ids: Array<string | null>): string[] => [...new Set(ids.filter((i): i is string => i !== null))];

/**
 * Tasks as shown, with contact names; `shown` lists the people whose data is in the answer. A task whose
 * contact `scope` cannot see is shown with that person's id and name and the title withheld (never decrypted).
 */
export async function taskViews(ctx: Ctx, trx: Trx, ws: string, rows: readonly TasksTable[], scope: OwnerScope): Promise<{ items: Task[]; shown: string[] }> {
  const names = new Map((await getVisibleContacts(ctx, trx, ws, subjects(...rows.map((r) => r.contact_id)), scope)).map((c) => [c.id, displayName(c)]));
  const hidden = (r: TasksTable): boolean => r.contact_id !== null && !names.has(r.contact_id);
  const open = rows.filter((r) => !hidden(r));
  const opened = await openMany<{ title: string }>(trx, ctx.vault, ws, open.map((r) => ({ ref: ref(r), sealed: r.record })));
  const titles = new Map(open.map((r, i) => [r.id, opened[i] ?? null]));
  const items = rows.map((r): Task => ({
    id: r.id, title: titles.get(r.id)?.title ?? null, erased: !hidden(r) && !titles.get(r.id), contactHidden: hidden(r), dueAt: iso(r.due_at), done: r.done_at !== null, doneAt: iso(r.done_at),
    assigneeId: r.assignee_id, contactId: hidden(r) ? null : r.contact_id, contactName: r.contact_id ? names.get(r.contact_id) ?? null : null, dealId: r.deal_id,
    createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  }));
  return { items, shown: [...names.keys()] };
}

/** The person a shown task is about (its `contactId` is given only when that person is visible). */
export const shownBy = (task: Pick<Task, 'contactId'>): string[] => subjects(task.contactId);

/** The contact (visible to the writer) and deal named must exist in this workspace (422 otherwise). */
async function checkRefs(trx: Trx, w: TaskWrite, p: TaskPatch): Promise<void> {
  const ws = w.workspaceId;
  if (p.contactId && !(await visibleContactIds(trx, ws, [p.contactId], w.scope)).has(p.contactId)) throw validationFailed([{ path: 'contactId', message: 'No contact of this workspace has this id.' }]);
  if (p.dealId) await getDealRow(trx, ws, p.dealId).catch(() => { throw validationFailed([{ path: 'dealId', message: 'No deal of this workspace has this id.' }]); });
}

export async function createTask(ctx: Ctx, trx: Trx, w: TaskWrite, input: TaskInput): Promise<Task> {
  await checkRefs(trx, w, input);
  const now = ctx.now();
  const contactId = input.contactId ?? null;
  const row: TasksTable = {
    workspace_id: w.workspaceId, id: randomUUID(), contact_id: contactId, subject_id: contactId, deal_id: input.dealId ?? null,
    assignee_id: input.assigneeId ?? null, due_at: input.dueAt ? new Date(input.dueAt) : null, done_at: input.done ? now : null,
    record_version: 1, record: Buffer.alloc(0), created_by: w.userId, created_at: now, updated_at: now,
  };
  row.record = await sealText(trx, ctx.vault, w.workspaceId, ref(row), { title: input.title });
  await memberRef('assigneeId', () => trx.insertInto('tasks').values(row).execute());
  await recordAudit(trx, { action: 'task.created', actor: w.actor, subjectIds: subjects(contactId), details: { taskId: auditId(row.id) }, requestId: w.requestId });
  return (await taskViews(ctx, trx, w.workspaceId, [row], w.scope)).items[0]!;
}

async function taskRow(trx: Trx, ws: string, id: string): Promise<TasksTable> {
  const row = UUID_RE.test(id) ? await trx.selectFrom('tasks').selectAll().where('workspace_id', '=', ws).where('id', '=', id).forUpdate().executeTakeFirst() : undefined;
  if (!row) throw notFound('No such task.');
  return row;
}

export async function getTask(ctx: Ctx, trx: Trx, ws: string, id: string, scope: OwnerScope): Promise<{ items: Task[]; shown: string[] }> {
  return taskViews(ctx, trx, ws, [await taskRow(trx, ws, id)], scope);
}

/**
 * Applies a patch; `done` toggles done_at. The title is re-sealed when it or the contact changes. Only what
 * differs is written and audited: a patch that changes nothing writes nothing (same `updatedAt`, same version).
 */
export async function updateTask(ctx: Ctx, trx: Trx, w: TaskWrite, id: string, patch: TaskPatch): Promise<Task> {
  const row = await taskRow(trx, w.workspaceId, id);
  await checkRefs(trx, w, patch);
  const now = ctx.now();
  const contactId = patch.contactId !== undefined ? patch.contactId : row.contact_id;
  const touchesPerson = patch.title !== undefined || contactId !== row.contact_id;
  if (touchesPerson && row.contact_id !== null && !(await visibleContactIds(trx, w.workspaceId, [row.contact_id], w.scope)).has(row.contact_id)) {
    throw forbidden('This task is about a contact outside your record visibility: its title and contact cannot be changed.', 'contact-not-visible');
  }
  const next: TasksTable = { ...row, contact_id: contactId, updated_at: now };
  const changed: string[] = contactId !== row.contact_id ? ['contactId'] : [];
  if (patch.title !== undefined || contactId !== row.contact_id) {
    const [cur] = await openMany<{ title: string }>(trx, ctx.vault, w.workspaceId, [{ ref: ref(row), sealed: row.record }]);
    const title = patch.title ?? cur?.title;
    if (title === undefined) throw conflict('This task’s title was erased with its contact; give a new title.', 'task-text-erased');
    if (title !== cur?.title || contactId !== row.subject_id) {
      if (title !== cur?.title) changed.push('title');
      Object.assign(next, { subject_id: contactId, record_version: row.record_version + 1 });
      next.record = await sealText(trx, ctx.vault, w.workspaceId, ref(next), { title });
    }
  }
  const time = (d: Date | null): number | null => (d === null ? null : new Date(d).getTime());
  if (patch.dueAt !== undefined) next.due_at = patch.dueAt ? new Date(patch.dueAt) : null;
  if (patch.assigneeId !== undefined) next.assignee_id = patch.assigneeId;
  if (patch.dealId !== undefined) next.deal_id = patch.dealId;
  if (patch.done !== undefined) next.done_at = patch.done ? row.done_at ?? now : null;
  if (time(next.due_at) !== time(row.due_at)) changed.push('dueAt');
  if (next.assignee_id !== row.assignee_id) changed.push('assigneeId');
  if (next.deal_id !== row.deal_id) changed.push('dealId');
  if (time(next.done_at) !== time(row.done_at)) changed.push('done');
  if (changed.length === 0) return (await taskViews(ctx, trx, w.workspaceId, [row], w.scope)).items[0]!;
  const { workspace_id: _w, id: _i, ...set } = next;
  await memberRef('assigneeId', () => trx.updateTable('tasks').set(set).where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute());
  const fields = changed.map((k) => auditCode(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  await recordAudit(trx, { action: 'task.updated', actor: w.actor, subjectIds: subjects(row.contact_id, contactId), details: { taskId: auditId(id), fields }, requestId: w.requestId });
  return (await taskViews(ctx, trx, w.workspaceId, [next], w.scope)).items[0]!;
}

export async function deleteTask(trx: Trx, w: TaskWrite, id: string): Promise<void> {
  const row = await taskRow(trx, w.workspaceId, id);
  await trx.deleteFrom('tasks').where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute();
  await recordAudit(trx, { action: 'task.deleted', actor: w.actor, subjectIds: subjects(row.contact_id), details: { taskId: auditId(id) }, requestId: w.requestId });
}

export interface TaskFilter { assigneeId?: string | undefined; contactId?: string | undefined; done?: boolean | undefined; dealId?: string | undefined }

/** Newest first (keyset on created_at, id), filtered on plaintext metadata. */
export async function taskRows(trx: Trx, ws: string, f: TaskFilter, limit: number, before?: { at: Date; id: string }): Promise<TasksTable[]> {
  let q = trx.selectFrom('tasks').selectAll().where('workspace_id', '=', ws);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  if (f.contactId) q = q.where('contact_id', '=', f.contactId);
  if (f.dealId) q = q.where('deal_id', '=', f.dealId);
  if (f.done !== undefined) q = q.where('done_at', f.done ? 'is not' : 'is', null);
  if (before) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(before.at, before.id)));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
