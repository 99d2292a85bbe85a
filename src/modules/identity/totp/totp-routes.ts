import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import { AppError, conflict, forbidden, unauthorized, validationFailed } from '../../../platform/errors.js';
import { deny } from '../auth/auth-hook.js';
import { auditActor, requireAuth, type AuthState } from '../../../kernel/auth.js';
import { setSessionCookie } from '../auth/auth-common.js';
import { endSessionsOfUser, rotateSession } from '../auth/sessions.js';
import { throttleCheck, throttleFail, throttleSuccess, type ThrottleInput, type ThrottleScope } from '../auth/throttle.js';
import { passChallenge } from './totp-challenge.js';
import { confirmEnrolment, disableTotp, startEnrolment, type Refusal, type TotpCall } from './totp-enrolment.js';
import { assertMayReset, resetMemberTotp } from './totp-reset.js';

const Code = z.string().min(1).max(16);
const ReauthBody = z.object({ password: z.string().min(1).max(1024).optional(), code: Code.optional() });
const ChallengeBody = z.object({ code: Code.optional(), recoveryCode: z.string().min(1).max(64).optional() });
const EnrolmentSchema = z.object({ otpauthUri: z.string(), secret: z.string(), qrSvg: z.string() });
const RotatedSchema = z.object({ csrfToken: z.string() });

/** The signed-in member behind a session (the hook already kept tokens out of these routes). */
function sessionMember(req: FastifyRequest): AuthState & { userId: string; sessionId: string } {
  const auth = requireAuth(req);
  if (auth.kind !== 'session' || !auth.userId || !auth.sessionId) throw unauthorized();
  return auth as AuthState & { userId: string; sessionId: string };
}

function callOf(ctx: AppContext, req: FastifyRequest, auth: AuthState & { userId: string }): TotpCall {
  return { workspaceId: auth.workspaceId, userId: auth.userId, now: ctx.now(), audit: { actor: auditActor(auth), requestId: String(req.id) }, hooks: ctx.hooks };
}

/** The one answer for a refused password-and-code: it does not say which of the two was wrong. */
function refusalError(refusal: Refusal): AppError {
  if (refusal.kind === 'reauth_required') {
    return validationFailed(
      [
        { path: 'password', message: 'Give your password.' },
        { path: 'code', message: 'Give a current code from your authenticator app.' },
      ],
      'Two-factor authentication is already set up: confirm with your password and a current code.',
    );
  }
  return new AppError(403, 'reauthentication-failed', 'Forbidden', 'The password or the code is not right.');
}

/**
 * The counters a code attempt goes through: (member, address), the address,
 * the member across every address and session, and this session — so neither
 * new addresses nor new sign-ins buy more guesses at the second factor.
 */
function codeThrottle(scope: ThrottleScope, auth: { userId: string; sessionId: string }, req: FastifyRequest): ThrottleInput {
  return { scope, account: auth.userId, ip: req.ip, session: auth.sessionId };
}

/** Back-off around a password-and-code check; only requests that carry a code count. */
async function withReauthThrottle<T extends { kind: string }>(
  ctx: AppContext,
  req: FastifyRequest,
  auth: { userId: string; sessionId: string },
  body: { code?: string | undefined } | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const key = codeThrottle('totp', auth, req);
  if (body?.code !== undefined) await throttleCheck(ctx, key);
  const result = await run();
  if (result.kind === 'failed') await throttleFail(ctx, key);
  return result;
}

function registerEnrolmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/api/v1/auth/totp/enrolment',
    {
      config: { permission: 'auth:enrolment' },
      schema: { tags: ['identity'], summary: 'Start TOTP enrolment', body: ReauthBody.optional(), response: { 200: EnrolmentSchema } },
    },
    async (req, reply) => {
      const auth = sessionMember(req);
      const call = callOf(ctx, req, auth);
      const result = await withReauthThrottle(ctx, req, auth, req.body, () =>
        ctx.db.withWorkspace(auth.workspaceId, (trx) => startEnrolment(trx, ctx.vault, call, req.body ?? {})),
      );
      if (result.kind !== 'ok') throw refusalError(result);
      void reply.header('cache-control', 'no-store');
      return { otpauthUri: result.otpauthUri, secret: result.secret, qrSvg: result.qrSvg };
    },
  );

  typed.post(
    '/api/v1/auth/totp/enrolment/confirm',
    {
      config: { permission: 'auth:enrolment' },
      schema: {
        tags: ['identity'],
        summary: 'Confirm TOTP enrolment with a code; answers the recovery codes once',
        body: z.object({ code: Code }),
        response: { 200: RotatedSchema.extend({ recoveryCodes: z.array(z.string()) }) },
      },
    },
    async (req, reply) => {
      const auth = sessionMember(req);
      const call = callOf(ctx, req, auth);
      const key = codeThrottle('totp', auth, req);
      await throttleCheck(ctx, key);
      const result = await ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
        const confirmed = await confirmEnrolment(trx, ctx.vault, call, req.body.code);
        if (confirmed.kind !== 'ok') return confirmed;
        // A new factor: the session id and CSRF token rotate, and on re-enrolment
        // every other session (which passed the old factor) ends.
        if (confirmed.reenrolment) await endSessionsOfUser(trx, auth.userId, auth.sessionId);
        return { ...confirmed, session: await rotateSession(trx, auth.sessionId) };
      });
      if (result.kind === 'no_pending') throw conflict('Start the enrolment first (or again: it lapses after 15 minutes).', 'no-pending-enrolment');
      if (result.kind === 'wrong') {
        await throttleFail(ctx, key);
        throw validationFailed([{ path: 'code', message: 'This code does not match; check the time on your device.' }]);
      }
      await throttleSuccess(ctx, key);
      setSessionCookie(req, reply, result.session.token);
      void reply.header('cache-control', 'no-store');
      return { recoveryCodes: result.recoveryCodes, csrfToken: result.session.csrfToken };
    },
  );

  typed.delete(
    '/api/v1/auth/totp',
    {
      config: { permission: 'self' },
      schema: { tags: ['identity'], summary: 'Turn TOTP off (password and a current code)', body: ReauthBody, response: { 204: z.null() } },
    },
    async (req, reply) => {
      const auth = sessionMember(req);
      const call = callOf(ctx, req, auth);
      const result = await withReauthThrottle(ctx, req, auth, req.body, () =>
        ctx.db.withWorkspace(auth.workspaceId, (trx) => disableTotp(trx, ctx.vault, call, req.body)),
      );
      if (result.kind === 'required') {
        throw conflict('Your role or your workspace requires two-factor authentication; it cannot be turned off.', 'totp-required');
      }
      if (result.kind === 'not_enrolled') throw conflict('Two-factor authentication is not set up.', 'totp-not-enrolled');
      if (result.kind !== 'ok') throw refusalError(result);
      return reply.code(204).send(null);
    },
  );
}

function registerChallengeRoute(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/auth/totp',
    {
      config: { permission: 'auth:totp' },
      schema: {
        tags: ['identity'],
        summary: 'The two-factor challenge: a TOTP code or a recovery code',
        body: ChallengeBody,
        response: { 200: RotatedSchema.extend({ next: z.null(), recoveryCodesLeft: z.number().int().nullable() }) },
      },
    },
    async (req, reply) => {
      const auth = sessionMember(req);
      const { code, recoveryCode } = req.body;
      if ((code === undefined) === (recoveryCode === undefined)) {
        throw validationFailed([{ path: 'code', message: 'Give either a code or a recovery code.' }]);
      }
      const method = code !== undefined ? 'totp' : 'recovery_code';
      const key = codeThrottle(method === 'totp' ? 'totp' : 'recovery', auth, req);
      await throttleCheck(ctx, key);
      const call = callOf(ctx, req, auth);
      const value = code ?? recoveryCode ?? '';
      const result = await ctx.db.withWorkspace(auth.workspaceId, (trx) =>
        passChallenge(trx, ctx.vault, call, { sessionId: auth.sessionId, method, value }),
      );
      if (result.kind !== 'ok') {
        await throttleFail(ctx, key);
        throw new AppError(401, 'totp-invalid', 'Not signed in', 'The code is not right, or it was already used.');
      }
      await throttleSuccess(ctx, key);
      setSessionCookie(req, reply, result.session.token);
      return { next: null, csrfToken: result.session.csrfToken, recoveryCodesLeft: result.recoveryCodesLeft };
    },
  );
}

function registerResetRoute(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/members/:id/totp-reset',
    {
      config: { permission: 'members:manage' },
      schema: {
        tags: ['identity'],
        summary: "Reset a member's 2FA (they enrol again; their sessions end, their tokens are revoked). Owners: anyone else's; admins: sales, support, auditor; never a token",
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ memberId: z.uuid(), sessionsEnded: z.number().int(), tokensRevoked: z.number().int() }) },
      },
    },
    async (req) => {
      const auth = requireAuth(req);
      // Whatever its scopes: a token skips 2FA, so it must not remove anyone's. The operator's way is the CLI.
      if (auth.kind !== 'session' || !auth.userId || !auth.role) {
        return deny(ctx, req, auth, 'members:totp_reset', forbidden('Only a signed-in owner or admin resets two-factor authentication, never an API token.'));
      }
      const actor = { userId: auth.userId, role: auth.role };
      return ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
        await assertMayReset(trx, actor, req.params.id);
        return resetMemberTotp(trx, ctx.vault, {
          workspaceId: auth.workspaceId,
          targetId: req.params.id,
          now: ctx.now(),
          audit: { actor: auditActor(auth), requestId: String(req.id) },
          by: actor.role === 'owner' ? 'owner' : 'admin',
        });
      });
    },
  );
}

/** Every 2FA route: enrolment, the challenge, turning it off, and an owner's reset of a member's. */
export function registerTotpRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerEnrolmentRoutes(app, ctx);
  registerChallengeRoute(app, ctx);
  registerResetRoute(app, ctx);
}
