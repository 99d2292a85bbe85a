import type { FastifyRequest } from 'fastify';
import type { Trx } from '../platform/db/database.js';
import { requireAuth, type AuthState } from './auth.js';
import type { AppContext } from './context.js';

/**
 * The one route helper: a handler that is its business only. The auth hook
 * has already checked the route's declared permission; this takes the
 * caller's auth state and runs `fn` in one transaction of their workspace,
 * committed when it returns, so a handler neither repeats those lines nor
 * forgets one:
 *
 *   typed.patch('/api/v1/things/:id', { config: { permission: 'contacts:write' }, schema },
 *     async (req) => inWorkspace(ctx, req, (trx, auth) => updateThing(trx, auth, req.params.id, req.body)));
 *
 * It takes the request the route already typed from its schema (the shape of
 * reads' `showing()`, which does the same for answers that show people and
 * records the read).
 */
export async function inWorkspace<T>(ctx: Pick<AppContext, 'db'>, req: FastifyRequest, fn: (trx: Trx, auth: AuthState) => Promise<T>): Promise<T> {
  const auth = requireAuth(req);
  return ctx.db.withWorkspace(auth.workspaceId, (trx) => fn(trx, auth));
}
