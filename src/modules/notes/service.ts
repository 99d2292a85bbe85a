/**
 * Notes about one contact (sealed under their key; the rows go with the
 * contact on erasure) or one company (workspace key). Reads here are not
 * audited: the route that shows a contact's notes records the read.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../kernel/context.js';
import { auditId, recordAudit, type AuditEventInput } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { companyExists } from '../companies/index.js';
import { visibleContactIds, type OwnerScope } from '../contacts/index.js';
import { openMany, sealText, type SealedRef } from '../../platform/crypto/sealed-text.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

export interface NotesTable {
  workspace_id: string; id: string; contact_id: string | null; company_id: string | null; author_id: string | null;
  record_version: number; body: Buffer; created_at: Date; updated_at: Date;
}
declare module '../../platform/db/schema.js' {
  interface DB { notes: NotesTable }
}

export interface Note {
  id: string; contactId: string | null; companyId: string | null; authorId: string | null;
  /** null with `erased` when it can no longer be opened. */
  body: string | null; erased: boolean; createdAt: string; updatedAt: string;
}
export interface NoteWrite {
  workspaceId: string; userId: string | null; actor: AuditEventInput['actor']; requestId: string | null;
  /** The writer's record visibility (contacts' ownerScope): notes about contacts it cannot see are 404. */
  scope: OwnerScope;
}
export type NoteAbout = { contactId: string; companyId?: undefined } | { companyId: string; contactId?: undefined };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ref = (r: Pick<NotesTable, 'id' | 'record_version' | 'contact_id'>): SealedRef =>
  ({ table: 'notes', column: 'body', rowId: r.id, recordVersion: r.record_version, subjectId: r.contact_id });
const subjects = (r: Pick<NotesTable, 'contact_id'>): string[] => (r.contact_id ? [r.contact_id] : []);

export async function noteViews(ctx: Ctx, trx: Trx, ws: string, rows: readonly NotesTable[]): Promise<Note[]> {
  const bodies = await openMany<{ text: string }>(trx, ctx.vault, ws, rows.map((r) => ({ ref: ref(r), sealed: r.body })));
  return rows.map((r, i) => ({
    id: r.id, contactId: r.contact_id, companyId: r.company_id, authorId: r.author_id, body: bodies[i]?.text ?? null, erased: !bodies[i],
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

/** The person whose text a shown note holds: its contact, unless the text was erased (a company's note shows nobody). */
export const shownBy = (note: Pick<Note, 'contactId' | 'erased'>): string[] => (note.contactId && !note.erased ? [note.contactId] : []);

/**
 * 404 unless the contact (visible under `scope`: record visibility) or the company is in this
 * workspace (another workspace's id, or a contact the caller may not see, looks like none).
 */
export async function checkAbout(trx: Trx, ws: string, about: NoteAbout, scope: OwnerScope): Promise<void> {
  const ok = about.contactId ? (await visibleContactIds(trx, ws, [about.contactId], scope)).has(about.contactId) : await companyExists(trx, about.companyId!);
  if (!ok) throw notFound(about.contactId ? 'No such contact.' : 'No such company.');
}

export async function createNote(ctx: Ctx, trx: Trx, w: NoteWrite, about: NoteAbout, body: string): Promise<Note> {
  await checkAbout(trx, w.workspaceId, about, w.scope);
  const now = ctx.now();
  const row: NotesTable = {
    workspace_id: w.workspaceId, id: randomUUID(), contact_id: about.contactId ?? null, company_id: about.companyId ?? null, author_id: w.userId,
    record_version: 1, body: Buffer.alloc(0), created_at: now, updated_at: now,
  };
  row.body = await sealText(trx, ctx.vault, w.workspaceId, ref(row), { text: body });
  await trx.insertInto('notes').values(row).execute();
  await recordAudit(trx, { action: 'note.created', actor: w.actor, subjectIds: subjects(row), details: { noteId: auditId(row.id) }, requestId: w.requestId });
  return (await noteViews(ctx, trx, w.workspaceId, [row]))[0]!;
}

/** A note the writer may touch: a note about a contact outside its record visibility is a 404 like a missing one. */
async function noteRow(trx: Trx, w: Pick<NoteWrite, 'workspaceId' | 'scope'>, id: string): Promise<NotesTable> {
  const ws = w.workspaceId;
  const row = UUID_RE.test(id) ? await trx.selectFrom('notes').selectAll().where('workspace_id', '=', ws).where('id', '=', id).forUpdate().executeTakeFirst() : undefined;
  if (!row || (row.contact_id !== null && !(await visibleContactIds(trx, ws, [row.contact_id], w.scope)).has(row.contact_id))) throw notFound('No such note.');
  return row;
}

/** One note, for a reader with record visibility `scope` (404 when missing or about a contact it cannot see). */
export async function getNote(ctx: Ctx, trx: Trx, ws: string, id: string, scope: OwnerScope): Promise<Note> {
  return (await noteViews(ctx, trx, ws, [await noteRow(trx, { workspaceId: ws, scope }, id)]))[0]!;
}

/**
 * A new body under a bumped record version: the previous ciphertext no longer opens for this row.
 * The body it already has changes nothing (no write, no version, no audit event).
 */
export async function updateNote(ctx: Ctx, trx: Trx, w: NoteWrite, id: string, body: string): Promise<Note> {
  const row = await noteRow(trx, w, id);
  const [current] = await noteViews(ctx, trx, w.workspaceId, [row]);
  if (current && !current.erased && current.body === body) return current;
  const next = { ...row, record_version: row.record_version + 1, updated_at: ctx.now() };
  next.body = await sealText(trx, ctx.vault, w.workspaceId, ref(next), { text: body });
  await trx.updateTable('notes').set({ body: next.body, record_version: next.record_version, updated_at: next.updated_at })
    .where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute();
  await recordAudit(trx, { action: 'note.updated', actor: w.actor, subjectIds: subjects(row), details: { noteId: auditId(id) }, requestId: w.requestId });
  return (await noteViews(ctx, trx, w.workspaceId, [next]))[0]!;
}

export async function deleteNote(trx: Trx, w: NoteWrite, id: string): Promise<void> {
  const row = await noteRow(trx, w, id);
  await trx.deleteFrom('notes').where('workspace_id', '=', w.workspaceId).where('id', '=', id).execute();
  await recordAudit(trx, { action: 'note.deleted', actor: w.actor, subjectIds: subjects(row), details: { noteId: auditId(id) }, requestId: w.requestId });
}

/** A contact's or company's notes, newest first, up to `limit` (keyset on created_at, id). */
export async function listNotes(ctx: Ctx, trx: Trx, ws: string, about: NoteAbout, limit: number, before?: { at: Date; id: string }): Promise<Note[]> {
  let q = trx.selectFrom('notes').selectAll().where('workspace_id', '=', ws);
  q = about.contactId ? q.where('contact_id', '=', about.contactId) : q.where('company_id', '=', about.companyId!);
  if (before) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(before.at, before.id)));
  return noteViews(ctx, trx, ws, await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute());
}
