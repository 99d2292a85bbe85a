import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import { forbidden } from '../../../platform/errors.js';
import { requireAuth } from '../../../kernel/auth.js';
import { clearSessionCookie, setSessionCookie } from './auth-common.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.js';
import { changePassword, mySessions, revokeSessions, signOut, type SelfActor } from './passwords.js';
import { clientLabel, sessionCookieOf } from './sessions.js';
import { signIn } from './sign-in.js';
import { MAX_PASSWORD_LENGTH } from '../members/users.js';
import { ROLES } from '../../../kernel/access.js';

// Bounds only: the rules (length floor, common passwords) answer 422 naming the field.
const Password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

const SignInBody = z.object({
  workspace: z.string().min(1).max(100),
  email: z.string().min(1).max(320),
  password: Password,
});
const SignInAnswer = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), role: z.enum(ROLES) }),
  csrfToken: z.string(),
  next: z.enum(['totp', 'totp_enrolment']).nullable(),
});
const ChangePasswordBody = z.object({ currentPassword: Password, newPassword: Password });
const CsrfAnswer = z.object({ csrfToken: z.string() });
const SessionItem = z.object({
  id: z.uuid(),
  clientLabel: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean(),
});
const SessionList = z.object({ items: z.array(SessionItem), nextCursor: z.null() });
const ResetBody = z.object({ workspace: z.string().min(1).max(100), email: z.string().min(1).max(320) });
const ResetAccepted = z.object({ status: z.literal('accepted') });
const ResetConfirmBody = z.object({ token: z.string().min(1).max(200), password: Password });
const Empty = z.null();

/** The member acting on their own account through a browser session (tokens cannot). */
function selfOf(req: FastifyRequest): SelfActor {
  const auth = requireAuth(req);
  if (auth.kind !== 'session' || !auth.userId || !auth.sessionId) throw forbidden('API tokens cannot manage an account.');
  return { workspaceId: auth.workspaceId, userId: auth.userId, sessionId: auth.sessionId, ip: req.ip, requestId: String(req.id) };
}

/** Sign-in and out, sessions, password change and reset (API.md "Identity and access"). */
export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['identity'];

  typed.post(
    '/api/v1/auth/sign-in',
    { config: { permission: 'public' }, schema: { tags, body: SignInBody, response: { 200: SignInAnswer } } },
    async (req, reply) => {
      const r = await signIn(ctx, {
        ...req.body,
        ip: req.ip,
        userAgentLabel: clientLabel(req.headers['user-agent']),
        oldCookie: sessionCookieOf(req) ?? null,
        requestId: String(req.id),
      });
      setSessionCookie(req, reply, r.session.token);
      return { user: r.user, csrfToken: r.session.csrfToken, next: r.next };
    },
  );

  typed.post(
    '/api/v1/auth/sign-out',
    { config: { permission: 'auth:signout' }, schema: { tags, response: { 204: Empty } } },
    async (req, reply) => {
      await signOut(ctx, selfOf(req));
      clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );

  typed.get(
    '/api/v1/auth/sessions',
    { config: { permission: 'self' }, schema: { tags, response: { 200: SessionList } } },
    async (req) => ({ items: await mySessions(ctx, selfOf(req)), nextCursor: null }),
  );

  typed.delete(
    '/api/v1/auth/sessions',
    { config: { permission: 'self' }, schema: { tags, summary: 'Sign out everywhere', response: { 204: Empty } } },
    async (req, reply) => {
      await revokeSessions(ctx, selfOf(req), null);
      clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );

  typed.delete(
    '/api/v1/auth/sessions/:id',
    { config: { permission: 'self' }, schema: { tags, params: z.object({ id: z.uuid() }), response: { 204: Empty } } },
    async (req, reply) => {
      if (await revokeSessions(ctx, selfOf(req), req.params.id)) clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/api/v1/auth/password',
    { config: { permission: 'self' }, schema: { tags, body: ChangePasswordBody, response: { 200: CsrfAnswer } } },
    async (req, reply) => {
      const rotated = await changePassword(ctx, selfOf(req), req.body);
      setSessionCookie(req, reply, rotated.token);
      return { csrfToken: rotated.csrfToken };
    },
  );

  typed.post(
    '/api/v1/auth/password-reset',
    { config: { permission: 'public' }, schema: { tags, body: ResetBody, response: { 202: ResetAccepted } } },
    async (req, reply) => {
      await requestPasswordReset(ctx, { ...req.body, ip: req.ip, requestId: String(req.id) });
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  typed.post(
    '/api/v1/auth/password-reset/confirm',
    { config: { permission: 'public' }, schema: { tags, body: ResetConfirmBody, response: { 204: Empty } } },
    async (req, reply) => {
      await confirmPasswordReset(ctx, { ...req.body, ip: req.ip, requestId: String(req.id) });
      // Whatever session this browser had is gone: drop its cookie too.
      clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );
}
