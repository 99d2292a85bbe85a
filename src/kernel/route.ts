import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Trx } from '../platform/db/database.js';
import { requireAuth, type AuthState } from './auth.js';
import type { AppContext } from './context.js';

/** What a handler run by `inWorkspace` is given. */
export interface WorkspaceCall<Req, Rep> {
  req: Req;
  reply: Rep;
  auth: AuthState;
  /** One transaction of the caller's workspace (row-level security set), committed when the handler returns. */
  trx: Trx;
}

/**
 * A route handler that is its business only. The auth hook has already
 * checked the route's declared permission; this takes the caller's auth state
 * and runs the handler in one transaction of their workspace, so a handler
 * neither repeats those lines nor forgets one. Routes that show people answer
 * through reads' `showing()` instead, which does the same and records the read.
 */
export function inWorkspace<Req extends FastifyRequest, Rep extends FastifyReply, T>(
  ctx: Pick<AppContext, 'db'>,
  handler: (call: WorkspaceCall<Req, Rep>) => Promise<T>,
): (req: Req, reply: Rep) => Promise<T> {
  return async (req, reply) => {
    const auth = requireAuth(req);
    return ctx.db.withWorkspace(auth.workspaceId, (trx) => handler({ req, reply, auth, trx }));
  };
}
