import { sql } from 'kysely';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../kernel/context.js';
import { auditCode, recordAudit } from '../../../platform/audit/index.js';
import { AppError, forbidden, unauthorized } from '../../../platform/errors.js';
import { ROLES_REQUIRING_2FA, isPermission, permissionsOf } from '../members/permissions.js';
import type { Permission, Role, RouteAccess } from '../../../kernel/access.js';
import { auditActor, type AuthState } from '../../../kernel/auth.js';
import { secretHash, sessionCookieOf, touchSession, type SessionStage } from './sessions.js';

const TOUCH_EVERY_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface SessionRow {
  workspace_id: string;
  session_id: string;
  user_id: string;
  stage: SessionStage;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  role: Role;
  user_status: string;
  totp_enrolled: boolean;
  workspace_status: string;
  require_2fa_for_all: boolean;
}

interface TokenRow {
  workspace_id: string;
  token_id: string;
  scopes: string[];
  created_by: string | null;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  maker_role: Role | null;
  maker_status: string | null;
  workspace_status: string;
}

async function sessionAuth(ctx: AppContext, cookie: string): Promise<AuthState | null> {
  const r = await ctx.db.systemQuery(sql<SessionRow>`select * from confidant_session_lookup(${secretHash(cookie)})`);
  const s = r.rows[0];
  const now = ctx.now();
  if (!s || s.user_status !== 'active' || s.workspace_status !== 'active') return null;
  const idleLimit = s.last_seen_at.getTime() + ctx.config.sessions.idleMinutes * 60_000;
  if (now >= s.expires_at || now.getTime() > idleLimit) return null;
  if (now.getTime() - s.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await ctx.db.withWorkspace(s.workspace_id, (trx) => touchSession(trx, s.session_id, now));
  }
  const needs2fa = ROLES_REQUIRING_2FA.has(s.role) || s.require_2fa_for_all;
  return {
    kind: 'session',
    workspaceId: s.workspace_id,
    userId: s.user_id,
    role: s.role,
    permissions: permissionsOf(s.role),
    sessionId: s.session_id,
    tokenId: null,
    csrfToken: s.csrf_token,
    stage: s.stage,
    totpEnrolled: s.totp_enrolled,
    mustEnrol: needs2fa && !s.totp_enrolled,
  };
}

async function tokenAuth(ctx: AppContext, bearer: string): Promise<AuthState | null> {
  const r = await ctx.db.systemQuery(sql<TokenRow>`select * from confidant_token_lookup(${secretHash(bearer)})`);
  const t = r.rows[0];
  const now = ctx.now();
  if (!t || t.revoked_at || now >= t.expires_at || t.workspace_status !== 'active') return null;
  // A member's token never does more than the member can now; the operator's
  // token is bounded by what the operator granted (the CLI is root already).
  let allowed: ReadonlySet<Permission>;
  if (t.created_by) {
    if (!t.maker_role || t.maker_status !== 'active') return null;
    const maker = permissionsOf(t.maker_role);
    allowed = new Set(t.scopes.filter((s): s is Permission => isPermission(s) && maker.has(s)));
  } else {
    allowed = new Set(t.scopes.filter(isPermission));
  }
  // Token use is on the record at the same grain as last-used: at most one
  // `token.used` event a minute per token (each route still audits what it reads).
  if (!t.last_used_at || now.getTime() - t.last_used_at.getTime() > TOUCH_EVERY_MS) {
    await ctx.db.withWorkspace(t.workspace_id, async (trx) => {
      await sql`update api_tokens set last_used_at = ${now} where id = ${t.token_id}`.execute(trx);
      await recordAudit(trx, { action: 'token.used', actor: { type: 'token', id: t.token_id } });
    });
  }
  return {
    kind: 'token',
    workspaceId: t.workspace_id,
    userId: t.created_by,
    role: t.maker_role,
    permissions: allowed,
    sessionId: null,
    tokenId: t.token_id,
    csrfToken: null,
    stage: 'full',
    totpEnrolled: true,
    mustEnrol: false,
  };
}

export async function resolveAuth(ctx: AppContext, req: FastifyRequest): Promise<AuthState | null> {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S{16,200})$/i.exec(header);
    return match?.[1] ? tokenAuth(ctx, match[1]) : null;
  }
  const cookie = sessionCookieOf(req);
  return cookie && cookie.length <= 200 ? sessionAuth(ctx, cookie) : null;
}

/** Audits a refused signed-in caller (`access.denied`, with what was needed) and throws `err`. */
export async function deny(ctx: AppContext, req: FastifyRequest, auth: AuthState, permission: string, err: AppError): Promise<never> {
  await ctx.db.withWorkspace(auth.workspaceId, (trx) =>
    recordAudit(trx, {
      action: 'access.denied',
      actor: auditActor(auth),
      details: { permission: auditCode(permission.replace(/[^a-z0-9_.:-]/g, '_')), method: auditCode(req.method.toLowerCase()) },
      requestId: String(req.id),
    }),
  );
  throw err;
}

/**
 * Decides, before the body is even parsed, whether this request may reach its
 * route: public routes pass; everything else needs a session or token in the
 * stage the route allows, a CSRF header on state-changing cookie requests,
 * and the route's permission. Denials of signed-in callers are audited.
 */
export async function authorize(ctx: AppContext, req: FastifyRequest): Promise<void> {
  req.auth = null;
  // No route matched: the not-found handler answers, and it reveals nothing.
  if (req.is404) return;
  const permission = req.routeOptions.config.permission;
  if (permission === undefined) throw new AppError(500, 'internal', 'Internal error', 'Route without a permission.');
  if (permission === 'public') return;
  const auth = await resolveAuth(ctx, req);
  if (!auth) throw unauthorized();
  req.auth = auth;
  const access = permission as RouteAccess | Permission;
  // CSRF first, whatever the stage: a half-signed-in session's challenge and sign-out are state changes too.
  if (auth.kind === 'session' && !SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== auth.csrfToken) {
    throw forbidden('Missing or wrong X-CSRF-Token header.', 'csrf');
  }
  if (auth.stage === 'totp') {
    if (access === 'auth:totp' || access === 'auth:signout') return;
    throw unauthorized('Complete the two-factor challenge first.');
  }
  if (access === 'auth:totp') throw forbidden('This session has already passed two-factor authentication.');
  if (auth.mustEnrol && access !== 'auth:enrolment' && access !== 'self' && access !== 'auth:signout') {
    throw forbidden('Enrol in two-factor authentication first.', 'totp-enrolment-required');
  }
  if (access === 'authenticated' || access === 'self' || access === 'auth:enrolment' || access === 'auth:signout') {
    if (auth.kind === 'token' && (access === 'self' || access === 'auth:enrolment')) {
      return deny(ctx, req, auth, access, forbidden('API tokens cannot manage an account.'));
    }
    return;
  }
  if (!isPermission(access)) throw new AppError(500, 'internal', 'Internal error', 'Route with an unknown permission.');
  if (!auth.permissions.has(access)) {
    return deny(ctx, req, auth, access, forbidden(`This needs the ${access} permission.`));
  }
}

export function installAuthHook(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    // Plugin routes (static files, API docs) are marked public when registered.
    await authorize(ctx, req);
  });
}
