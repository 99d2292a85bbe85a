/** /api/v1/tasks: lists that show contact names record one personal read (crm.list). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed } from '../../platform/errors.js';
import { idempotentCreate, sendCreated } from '../../platform/http/idempotency.js';
import { ownerScope, visibleContactIds } from '../contacts/index.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { inWorkspace } from '../../kernel/route.js';
import { showing } from '../reads/index.js';
import { createTask, deleteTask, getTask, shownBy, taskRows, taskViews, updateTask, type TaskWrite } from './service.js';

const tags = ['tasks'];
const TaskSchema = z.object({
  id: z.uuid(), title: z.string().nullable(), erased: z.boolean(), contactHidden: z.boolean(), dueAt: z.string().nullable(), done: z.boolean(), doneAt: z.string().nullable(),
  assigneeId: z.uuid().nullable(), contactId: z.uuid().nullable(), contactName: z.string().nullable(), dealId: z.uuid().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
});
const fields = {
  dueAt: z.iso.datetime({ offset: true }).nullable().optional(), assigneeId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(), dealId: z.uuid().nullable().optional(), done: z.boolean().optional(),
};
const title = z.string().trim().min(1).max(1000);
const CreateSchema = z.strictObject({ title, ...fields });
const PatchSchema = z.strictObject({ title: title.optional(), ...fields });
const QuerySchema = z.strictObject({
  assigneeId: z.uuid().optional(), contactId: z.uuid().optional(), dealId: z.uuid().optional(),
  done: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional(),
});
const IdParams = z.object({ id: z.uuid() });

function decodeCursor(c: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const d = new Date(at ?? '');
  if (Number.isNaN(d.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) throw validationFailed([{ path: 'cursor', message: 'The cursor is not one this list gave out.' }]);
  return { at: d, id };
}

export function registerTaskRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  /** A task write carries the writer's record visibility (read in the request's transaction). */
  const writeOf = async (trx: Trx, req: FastifyRequest, auth: AuthState): Promise<TaskWrite> =>
    ({ workspaceId: auth.workspaceId, userId: auth.userId, actor: auditActor(auth), requestId: String(req.id), scope: await ownerScope(trx, auth) });
  typed.get('/api/v1/tasks', {
    config: { permission: 'contacts:read', reads: 'crm.list' },
    schema: { tags, summary: 'Tasks, newest first; shown contact names are an audited read (crm.list)', querystring: QuerySchema, response: { 200: z.object({ items: z.array(TaskSchema), nextCursor: z.string().nullable() }) } },
  }, async (req) => showing(ctx, req, async (trx, auth) => {
    const { limit, cursor, ...filter } = req.query;
    const scope = await ownerScope(trx, auth);
    // Tasks filtered by a contact the caller may not see would say whom they are about: none.
    if (filter.contactId !== undefined && !(await visibleContactIds(trx, auth.workspaceId, [filter.contactId], scope)).has(filter.contactId)) {
      return { value: { items: [], nextCursor: null }, shown: [] };
    }
    const rows = await taskRows(trx, auth.workspaceId, filter, limit + 1, cursor ? decodeCursor(cursor) : undefined);
    const { items, shown } = await taskViews(ctx, trx, auth.workspaceId, rows.slice(0, limit), scope);
    const last = items[items.length - 1];
    return { value: { items, nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') : null }, shown };
  }));
  typed.get('/api/v1/tasks/:id', { config: { permission: 'contacts:read', reads: 'crm.view' }, schema: { tags, summary: 'One task', params: IdParams, response: { 200: TaskSchema } } }, async (req) =>
    showing(ctx, req, async (trx, auth) => {
      const { items, shown } = await getTask(ctx, trx, auth.workspaceId, req.params.id, await ownerScope(trx, auth));
      return { value: items[0]!, shown };
    }));
  typed.post('/api/v1/tasks', { config: { permission: 'contacts:write', reads: 'crm.view' }, schema: { tags, summary: 'Create a task (honours Idempotency-Key)', body: CreateSchema, response: { 201: TaskSchema } } }, async (req, reply) =>
    sendCreated(reply, await showing(ctx, req, async (trx, auth) => {
      const w = await writeOf(trx, req, auth);
      const done = await idempotentCreate(ctx, trx, req, auth, {
        route: 'POST /api/v1/tasks',
        body: req.body,
        create: async () => {
          const task = await createTask(ctx, trx, w, req.body);
          return { id: task.id, status: 201, value: task };
        },
        // A replay shows the task as it is now, like GET /tasks/{id}.
        replay: async (id) => (await getTask(ctx, trx, w.workspaceId, id, w.scope)).items[0]!,
      });
      return { value: done, shown: shownBy(done.value) };
    })));
  typed.patch('/api/v1/tasks/:id', { config: { permission: 'contacts:write', reads: 'crm.view' }, schema: { tags, summary: 'Change a task; { done: true|false } toggles it; a change to nothing changes nothing', params: IdParams, body: PatchSchema, response: { 200: TaskSchema } } }, async (req) =>
    showing(ctx, req, async (trx, auth) => {
      const task = await updateTask(ctx, trx, await writeOf(trx, req, auth), req.params.id, req.body);
      return { value: task, shown: shownBy(task) };
    }));
  typed.delete('/api/v1/tasks/:id', { config: { permission: 'contacts:write' }, schema: { tags, summary: 'Delete a task', params: IdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await inWorkspace(ctx, req, async (trx, auth) => deleteTask(trx, await writeOf(trx, req, auth), req.params.id));
    return reply.status(204).send(null);
  });
}
