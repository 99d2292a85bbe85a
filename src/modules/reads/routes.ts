import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { inWorkspace } from '../../kernel/route.js';
import { listNotifications, markNotificationRead } from './notifications.js';
import { installReadAnswerRule } from './answer.js';
import { ReadBudgetRefusal } from './record.js';

const tags = ['notifications'];

const ListQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const NotificationSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  /** Ids, counts and flags: e.g. for `read_budget_exceeded`, actorType, actorId, distinctPeople, budget, refused. */
  payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

const PageSchema = z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() });
const Empty = z.null();

/**
 * In-app notices (API.md lists): a member sees only their own. A token made
 * by the operator belongs to no member and has none. Also installs the hook
 * that holds a read-budget 429 until its audit event and alert are written,
 * and the rule that every answer showing people is recorded (answer.ts).
 */
export function registerNotificationRoutes(app: FastifyInstance, ctx: AppContext): void {
  installReadRefusalHook(app);
  // Registered early among the modules: every personal route after it is held to the rule.
  installReadAnswerRule(app);
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/api/v1/notifications', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'My notifications, newest first', querystring: ListQuerySchema, response: { 200: PageSchema } },
  }, async (req) => {
    try {
      return await inWorkspace(ctx, req, async (trx, auth) =>
        auth.userId ? listNotifications(trx, auth.userId, { limit: req.query.limit, cursor: req.query.cursor ?? null }) : { items: [], nextCursor: null },
      );
    } catch (err) {
      if (err instanceof RangeError) throw badRequest('The cursor is not one this list gave out.', [{ path: 'querystring.cursor', message: 'invalid cursor' }]);
      throw err;
    }
  });

  typed.post('/api/v1/notifications/:id/read', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Mark a notification read', params: z.object({ id: z.uuid() }), response: { 204: Empty } },
  }, async (req, reply) => {
    const found = await inWorkspace(ctx, req, async (trx, auth) =>
      auth.userId ? markNotificationRead(trx, auth.userId, req.params.id, ctx.now()) : false,
    );
    if (!found) throw notFound();
    return reply.status(204).send(null);
  });
}

/**
 * A refused read's record is written after the request's transaction rolled
 * back; this waits for it before the 429 goes out, so whoever is told "slow
 * down" can already be found in the audit trail and the owners' inbox.
 */
function installReadRefusalHook(app: FastifyInstance): void {
  app.addHook('onError', async (_req, _reply, err: FastifyError) => {
    if (err instanceof ReadBudgetRefusal) await err.settle();
  });
}
