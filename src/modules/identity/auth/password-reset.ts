import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../../kernel/context.js';
import { recordAudit } from '../../../platform/audit/index.js';
import { AppError, validationFailed } from '../../../platform/errors.js';
import { queueMail } from '../../../platform/mail/index.js';
import { hashBounded } from './argon2-limiter.js';
import { auditHash, notifyPasswordChanged } from './auth-common.js';
import {
  consumePasswordReset,
  deletePasswordResets,
  insertPasswordReset,
  passwordHashOf,
  passwordResetByTokenHash,
  setPasswordHash,
  workspaceBySlug,
} from './auth-queries.js';
import { endSessionsOfUser, newSecret, secretHash } from './sessions.js';
import { takeQuota, throttleCheck, throttleFail } from './throttle.js';
import { findUserByEmail, normalizeEmail, passwordProblems } from '../members/users.js';

/** A link lives at most an hour (THREATS.md "Sessions"); the table refuses longer. */
export const RESET_LINK_MINUTES = 60;
/**
 * Every request answers after at least this long, whether a link was made
 * and mailed or not: the work for a known account (seal, insert, queue) then
 * hides under the floor, and timing does not tell members apart.
 */
export const RESET_ANSWER_FLOOR_MS = 300;
/** Reset mails one account receives in any hour, however many addresses ask. */
export const RESET_MAILS_PER_HOUR = 3;

export interface ResetRequestInput {
  workspace: string;
  email: string;
  ip: string;
  requestId: string;
}

const invalidLink = (): AppError =>
  new AppError(400, 'invalid-token', 'Invalid link', 'This link is invalid, already used or expired; ask for a new one.');

async function floor(startedMs: number): Promise<void> {
  const wait = RESET_ANSWER_FLOOR_MS - (performance.now() - startedMs);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Mails a single-use link to the member, if there is one. The caller always
 * answers 202 with the same body. Every request counts against the
 * back-off of the account (per address and across addresses), known or not,
 * and at most RESET_MAILS_PER_HOUR mails go to one account: a mailbox cannot
 * be bombed from many addresses, and the answer never tells which applied.
 */
export async function requestPasswordReset(ctx: AppContext, input: ResetRequestInput): Promise<void> {
  const started = performance.now();
  const email = normalizeEmail(input.email);
  const slug = input.workspace.trim().toLowerCase();
  const key = { scope: 'reset' as const, account: `${slug}\n${email}`, ip: input.ip };
  await throttleCheck(ctx, key);
  await throttleFail(ctx, key);
  try {
    // Taken for every typed account, member or not: the same work and the same answer.
    const mayMail = await takeQuota(ctx, { name: 'reset_mail', account: key.account, limit: RESET_MAILS_PER_HOUR, windowSeconds: 3600 });
    const ws = await ctx.db.withSystem((trx) => workspaceBySlug(trx, slug));
    if (ws?.status === 'active') await issueLink(ctx, ws.id, email, input, mayMail);
  } finally {
    await floor(started);
  }
}

/**
 * Makes and mails a link to an active member. Past the hourly mail quota
 * nothing is made and the link already mailed stays the one that works.
 */
async function issueLink(ctx: AppContext, workspaceId: string, email: string, input: ResetRequestInput, mayMail: boolean): Promise<void> {
  const now = ctx.now();
  await ctx.db.withWorkspace(workspaceId, async (trx) => {
    const user = await findUserByEmail(trx, ctx.vault, workspaceId, email);
    const active = user ? (await passwordHashOf(trx, user.id)) !== null : false;
    const send = Boolean(user && active && mayMail);
    if (user && send) {
      const token = newSecret();
      await deletePasswordResets(trx, user.id);
      await insertPasswordReset(trx, {
        workspaceId,
        id: randomUUID(),
        userId: user.id,
        tokenHash: secretHash(token),
        now,
        expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
      });
      await queueMail(trx, ctx.vault, {
        workspaceId,
        subjectId: null,
        to: email,
        subject: 'Reset your Confidant password',
        text:
          `Someone asked to reset the password of your Confidant account. To choose a new one, open this link within ${RESET_LINK_MINUTES} minutes:\n\n` +
          `${ctx.config.publicUrl}/reset-password#token=${token}\n\n` +
          'The link works once. If you did not ask for it, ignore this message: your password stays as it is.\n',
      });
    }
    await recordAudit(trx, {
      action: 'auth.password_reset_requested',
      actor: { type: 'public' },
      subjectIds: user && active ? [user.id] : [],
      details: {
        email: await auditHash(ctx, trx, workspaceId, 'audit.email', email),
        ip: await auditHash(ctx, trx, workspaceId, 'audit.ip', input.ip),
        linkSent: send,
        ...(user && active && !mayMail ? { mailQuotaSpent: true } : {}),
      },
      requestId: input.requestId,
    });
  });
}

export interface ResetConfirmInput {
  token: string;
  password: string;
  ip: string;
  requestId: string;
}

/**
 * Sets a new password from a link. It does not sign anyone in — the member
 * signs in next, with 2FA when enrolled, so a mailbox alone never replaces
 * the second factor — and it ends every session of the member.
 */
export async function confirmPasswordReset(ctx: AppContext, input: ResetConfirmInput): Promise<void> {
  const problems = passwordProblems(input.password);
  if (problems.length > 0) throw validationFailed(problems);
  const key = { scope: 'reset_confirm' as const, account: 'link', ip: input.ip };
  await throttleCheck(ctx, key);
  const found = input.token.length <= 200 ? await ctx.db.withSystem((trx) => passwordResetByTokenHash(trx, secretHash(input.token))) : null;
  if (!found) {
    await throttleFail(ctx, key);
    throw invalidLink();
  }
  const newHash = await hashBounded(ctx, input.password);
  const now = ctx.now();
  const workspaceId = found.workspace_id;
  await ctx.db.withWorkspace(workspaceId, async (trx) => {
    const userId = await consumePasswordReset(trx, found.reset_id, now);
    if (!userId || (await passwordHashOf(trx, userId)) === null) throw invalidLink();
    await setPasswordHash(trx, userId, newHash);
    await deletePasswordResets(trx, userId);
    const ended = await endSessionsOfUser(trx, userId);
    await recordAudit(trx, {
      action: 'auth.password_reset',
      actor: { type: 'public' },
      subjectIds: [userId],
      details: { sessionsEnded: ended, ip: await auditHash(ctx, trx, workspaceId, 'audit.ip', input.ip) },
      requestId: input.requestId,
    });
    await notifyPasswordChanged(ctx, trx, workspaceId, userId, 'reset');
  });
}
