/** /api/v1/notes: a contact's notes are a personal read (crm.view); a company's are not. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed } from '../../platform/errors.js';
import { idempotentCreate, sendCreated } from '../../platform/http/idempotency.js';
import { ownerScope } from '../contacts/index.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { showing } from '../reads/index.js';
import { checkAbout, createNote, deleteNote, getNote, listNotes, shownBy, updateNote, type NoteAbout, type NoteWrite } from './service.js';

const tags = ['notes'];
const NoteSchema = z.object({
  id: z.uuid(), contactId: z.uuid().nullable(), companyId: z.uuid().nullable(), authorId: z.uuid().nullable(),
  body: z.string().nullable(), erased: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
});
const body = z.string().trim().min(1).max(50_000);
const CreateSchema = z.strictObject({ contactId: z.uuid().optional(), companyId: z.uuid().optional(), body });
const QuerySchema = z.strictObject({
  contactId: z.uuid().optional(), companyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional(),
});
const IdParams = z.object({ id: z.uuid() });

/** Exactly one of contactId and companyId (422 otherwise). */
function aboutOf(v: { contactId?: string | undefined; companyId?: string | undefined }): NoteAbout {
  if (v.contactId && !v.companyId) return { contactId: v.contactId };
  if (v.companyId && !v.contactId) return { companyId: v.companyId };
  throw validationFailed([{ path: 'contactId', message: 'Give exactly one of contactId and companyId.' }]);
}

function decodeCursor(c: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const d = new Date(at ?? '');
  if (Number.isNaN(d.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) throw validationFailed([{ path: 'cursor', message: 'The cursor is not one this list gave out.' }]);
  return { at: d, id };
}

export function registerNoteRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  /** A note write carries the writer's record visibility (read in the request's transaction). */
  const writeOf = async (trx: Trx, req: FastifyRequest, auth: AuthState): Promise<NoteWrite> =>
    ({ workspaceId: auth.workspaceId, userId: auth.userId, actor: auditActor(auth), requestId: String(req.id), scope: await ownerScope(trx, auth) });
  typed.get('/api/v1/notes', {
    config: { permission: 'contacts:read', reads: 'crm.view' },
    schema: { tags, summary: "A contact's (audited: crm.view) or a company's notes, newest first", querystring: QuerySchema, response: { 200: z.object({ items: z.array(NoteSchema), nextCursor: z.string().nullable() }) } },
  }, async (req) => {
    const about = aboutOf(req.query);
    return showing(ctx, req, async (trx, auth) => {
      await checkAbout(trx, auth.workspaceId, about, await ownerScope(trx, auth));
      const rows = await listNotes(ctx, trx, auth.workspaceId, about, req.query.limit + 1, req.query.cursor ? decodeCursor(req.query.cursor) : undefined);
      const items = rows.slice(0, req.query.limit);
      const last = items[items.length - 1];
      const value = { items, nextCursor: rows.length > req.query.limit && last ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') : null };
      return { value, shown: [...new Set(items.flatMap(shownBy))] };
    });
  });
  typed.post('/api/v1/notes', { config: { permission: 'contacts:write', reads: 'crm.view' }, schema: { tags, summary: 'Add a note to a contact or a company (honours Idempotency-Key)', body: CreateSchema, response: { 201: NoteSchema } } }, async (req, reply) => {
    const about = aboutOf(req.body);
    return sendCreated(reply, await showing(ctx, req, async (trx, auth) => {
      const w = await writeOf(trx, req, auth);
      const done = await idempotentCreate(ctx, trx, req, auth, {
        route: 'POST /api/v1/notes',
        body: req.body,
        create: async () => {
          const note = await createNote(ctx, trx, w, about, req.body.body);
          return { id: note.id, status: 201, value: note };
        },
        // A replay shows the note as it is now, like GET /notes.
        replay: (id) => getNote(ctx, trx, w.workspaceId, id, w.scope),
      });
      return { value: done, shown: shownBy(done.value) };
    }));
  });
  typed.patch('/api/v1/notes/:id', { config: { permission: 'contacts:write', reads: 'crm.view' }, schema: { tags, summary: "Change a note's text (the same text changes nothing)", params: IdParams, body: z.strictObject({ body }), response: { 200: NoteSchema } } }, async (req) =>
    showing(ctx, req, async (trx, auth) => {
      const note = await updateNote(ctx, trx, await writeOf(trx, req, auth), req.params.id, req.body.body);
      return { value: note, shown: shownBy(note) };
    }));
  typed.delete('/api/v1/notes/:id', { config: { permission: 'contacts:write' }, schema: { tags, summary: 'Delete a note', params: IdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await inWorkspace(ctx, req, async (trx, auth) => deleteNote(trx, await writeOf(trx, req, auth), req.params.id));
    return reply.status(204).send(null);
  });
}
