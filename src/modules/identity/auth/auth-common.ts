import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../kernel/context.js';
import { keyedHash, type KeyedHash } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { queueMail } from '../../../platform/mail/index.js';
import { emailRowOf } from './auth-queries.js';
import { SESSION_COOKIE, sessionCookieName } from './sessions.js';

/** The one answer to a failed sign-in, whatever failed: it names nothing. */
export const SIGN_IN_FAILED = 'Wrong workspace, email or password.';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (no
 * cross-site POST carries it). Over TLS (as Fastify sees it: directly, or
 * X-Forwarded-Proto from a trusted proxy) it is `__Host-confidant_session`,
 * Secure, Path=/ and without Domain; over plain HTTP `confidant_session`. No
 * Max-Age: it dies with the browser; the server's idle and absolute limits
 * end it sooner.
 */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = req.protocol === 'https';
  void reply.setCookie(sessionCookieName(req), token, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  const secure = req.protocol === 'https';
  void reply.clearCookie(sessionCookieName(req), { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  // A plain cookie left from before TLS (or from an older version) goes too.
  if (secure) void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

/** A typed email or a client address as the audit trail may hold it: an HMAC under the workspace key. */
export async function auditHash(ctx: AppContext, trx: Trx, workspaceId: string, purpose: 'audit.email' | 'audit.ip', value: string): Promise<KeyedHash> {
  return keyedHash((await ctx.vault.keyedHash(trx, workspaceId, purpose, value)).toString('hex'));
}

/** A member's email, decrypted (for mail to them). */
export async function memberEmail(ctx: AppContext, trx: Trx, workspaceId: string, userId: string): Promise<string | null> {
  const row = await emailRowOf(trx, userId);
  if (!row) return null;
  const target = { workspaceId, subjectId: null, table: 'users', rowId: userId, column: 'email', recordVersion: row.record_version };
  return (await ctx.vault.open(trx, target, row.email_ciphertext)).toString('utf8');
}

/** Tells a member that their password changed, so a change they did not make does not go unnoticed. */
export async function notifyPasswordChanged(ctx: AppContext, trx: Trx, workspaceId: string, userId: string, how: 'changed' | 'reset'): Promise<void> {
  const to = await memberEmail(ctx, trx, workspaceId, userId);
  if (!to) return;
  await queueMail(trx, ctx.vault, {
    workspaceId,
    subjectId: null,
    to,
    subject: 'Your Confidant password was ' + how,
    text:
      `The password of your Confidant account was ${how} at ${ctx.now().toISOString()}, and every other session was signed out.\n\n` +
      `If this was not you, reset your password now at ${ctx.config.publicUrl}/reset-password and tell your workspace owner.\n`,
  });
}
