import type { AppContext } from '../../../kernel/context.js';
import { auditCode, auditId, recordAudit } from '../../../platform/audit/index.js';
import { notFound, validationFailed } from '../../../platform/errors.js';
import { hashBounded, verifyBounded } from './argon2-limiter.js';
import { auditHash, notifyPasswordChanged } from './auth-common.js';
import { deletePasswordResets, endUserSession, passwordHashOf, setPasswordHash } from './auth-queries.js';
import { endSession, endSessionsOfUser, listSessions, rotateSession, type IssuedSession, type SessionView } from './sessions.js';
import { throttleCheck, throttleFail, throttleSuccess } from './throttle.js';
import { passwordProblems } from '../members/users.js';

/** Who is acting on their own account, from a signed-in session. */
export interface SelfActor {
  workspaceId: string;
  userId: string;
  sessionId: string;
  ip: string;
  requestId: string;
}

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

/**
 * Changes the member's own password. The current one is asked again (a
 * borrowed, unlocked browser is not enough) and guesses of it back off like
 * sign-in; every other session ends and this one gets a new id and CSRF token.
 */
export async function changePassword(ctx: AppContext, self: SelfActor, input: ChangePasswordInput): Promise<IssuedSession> {
  const problems = passwordProblems(input.newPassword, 'newPassword');
  if (problems.length > 0) throw validationFailed(problems);
  const key = { scope: 'password' as const, account: self.userId, ip: self.ip };
  await throttleCheck(ctx, key);
  const current = await ctx.db.withWorkspace(self.workspaceId, (trx) => passwordHashOf(trx, self.userId));
  if (!(await verifyBounded(ctx, current, input.currentPassword))) {
    await throttleFail(ctx, key);
    throw validationFailed([{ path: 'currentPassword', message: 'This is not your current password.' }]);
  }
  await throttleSuccess(ctx, key);
  const newHash = await hashBounded(ctx, input.newPassword);
  return ctx.db.withWorkspace(self.workspaceId, async (trx) => {
    await setPasswordHash(trx, self.userId, newHash);
    await deletePasswordResets(trx, self.userId);
    const ended = await endSessionsOfUser(trx, self.userId, self.sessionId);
    const rotated = await rotateSession(trx, self.sessionId);
    await recordAudit(trx, {
      action: 'auth.password_changed',
      actor: { type: 'user', id: self.userId },
      subjectIds: [self.userId],
      details: { sessionsEnded: ended, ip: await auditHash(ctx, trx, self.workspaceId, 'audit.ip', self.ip) },
      requestId: self.requestId,
    });
    await notifyPasswordChanged(ctx, trx, self.workspaceId, self.userId, 'changed');
    return rotated;
  });
}

export async function signOut(ctx: AppContext, self: SelfActor): Promise<void> {
  await ctx.db.withWorkspace(self.workspaceId, async (trx) => {
    await endSession(trx, self.sessionId);
    await recordAudit(trx, {
      action: 'auth.sign_out',
      actor: { type: 'user', id: self.userId },
      subjectIds: [self.userId],
      details: { sessionId: auditId(self.sessionId) },
      requestId: self.requestId,
    });
  });
}

export function mySessions(ctx: AppContext, self: SelfActor): Promise<SessionView[]> {
  return ctx.db.withWorkspace(self.workspaceId, (trx) => listSessions(trx, self.userId, self.sessionId));
}

/**
 * Ends one of the member's sessions (`sessionId`), or all of them (null),
 * this one included. Returns whether the current session ended.
 */
export async function revokeSessions(ctx: AppContext, self: SelfActor, sessionId: string | null): Promise<boolean> {
  return ctx.db.withWorkspace(self.workspaceId, async (trx) => {
    let ended: number;
    if (sessionId === null) {
      ended = await endSessionsOfUser(trx, self.userId);
    } else {
      // Another member's session id answers like one that does not exist.
      if (!(await endUserSession(trx, self.userId, sessionId))) throw notFound('No such session.');
      ended = 1;
    }
    await recordAudit(trx, {
      action: 'auth.sessions_revoked',
      actor: { type: 'user', id: self.userId },
      subjectIds: [self.userId],
      details: sessionId
        ? { sessionsEnded: ended, scope: auditCode('one'), sessionId: auditId(sessionId) }
        : { sessionsEnded: ended, scope: auditCode('all') },
      requestId: self.requestId,
    });
    return sessionId === null || sessionId === self.sessionId;
  });
}
