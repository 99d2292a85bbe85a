import type { AppContext } from '../../../kernel/context.js';
import { recordAudit } from '../../../platform/audit/index.js';
import { unauthorized } from '../../../platform/errors.js';
import { verifyBounded } from './argon2-limiter.js';
import { auditHash, SIGN_IN_FAILED } from './auth-common.js';
import { markSeen, sessionByTokenHash, signInRow, workspaceBySlug, type SignInRow } from './auth-queries.js';
import { ROLES_REQUIRING_2FA } from '../members/permissions.js';
import { createSession, endSession, secretHash, type IssuedSession, type SessionStage } from './sessions.js';
import { throttleCheck, throttleFail, throttleSuccess, type ThrottleInput } from './throttle.js';
import { findUserByEmail, normalizeEmail } from '../members/users.js';
import type { Role } from '../../../kernel/access.js';

export interface SignInInput {
  workspace: string;
  email: string;
  password: string;
  ip: string;
  userAgentLabel: string | null;
  /** The cookie the browser sent, if any: its session ends (never reused). */
  oldCookie: string | null;
  requestId: string;
}

export type SignInNext = null | 'totp' | 'totp_enrolment';

export interface SignInResult {
  user: { id: string; email: string; role: Role };
  next: SignInNext;
  session: IssuedSession;
}

interface Candidate {
  workspaceId: string | null;
  row: SignInRow | null;
}

/** Finds the workspace and member without telling the caller which one was missing. */
async function findCandidate(ctx: AppContext, slug: string, email: string): Promise<Candidate> {
  const ws = await ctx.db.withSystem((trx) => workspaceBySlug(trx, slug));
  if (!ws) return { workspaceId: null, row: null };
  const row = await ctx.db.withWorkspace(ws.id, async (trx) => {
    const user = await findUserByEmail(trx, ctx.vault, ws.id, email);
    return user ? signInRow(trx, ctx.hooks, user.id) : null;
  });
  // A closing workspace and a disabled member are refused like a wrong password.
  return { workspaceId: ws.id, row: ws.status === 'active' && row?.status === 'active' ? row : null };
}

function nextStep(row: SignInRow): { stage: SessionStage; next: SignInNext } {
  if (row.totp_enrolled) return { stage: 'totp', next: 'totp' };
  const required = ROLES_REQUIRING_2FA.has(row.role) || row.require_2fa_for_all;
  return { stage: 'full', next: required ? 'totp_enrolment' : null };
}

/** The session of the cookie the browser came with ends: sign-in always starts a fresh one. */
async function endOldSession(ctx: AppContext, cookie: string | null): Promise<void> {
  if (!cookie || cookie.length > 200) return;
  const old = await ctx.db.withSystem((trx) => sessionByTokenHash(trx, secretHash(cookie)));
  if (old) await ctx.db.withWorkspace(old.workspace_id, (trx) => endSession(trx, old.session_id));
}

async function recordFailure(ctx: AppContext, input: SignInInput, c: Candidate, email: string): Promise<void> {
  const workspaceId = c.workspaceId;
  // An unknown workspace has no trail to write to; the throttle still counts it.
  if (!workspaceId) return;
  await ctx.db.withWorkspace(workspaceId, async (trx) =>
    recordAudit(trx, {
      action: 'auth.sign_in_failed',
      actor: { type: 'public' },
      subjectIds: c.row ? [c.row.id] : [],
      details: {
        email: await auditHash(ctx, trx, workspaceId, 'audit.email', email),
        ip: await auditHash(ctx, trx, workspaceId, 'audit.ip', input.ip),
      },
      requestId: input.requestId,
    }),
  );
}

/**
 * Password sign-in. Every failure — unknown workspace, unknown email, wrong
 * password, disabled member, closing workspace — costs one argon2 verify and
 * answers the same 401; repeated failures back off per (account, address)
 * and per account across addresses (throttle.ts), the typed account counted
 * whether or not it exists.
 */
export async function signIn(ctx: AppContext, input: SignInInput): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const slug = input.workspace.trim().toLowerCase();
  const key: ThrottleInput = { scope: 'sign_in', account: `${slug}\n${email}`, ip: input.ip };
  await throttleCheck(ctx, key);
  const c = await findCandidate(ctx, slug, email);
  const ok = await verifyBounded(ctx, c.row?.password_hash ?? null, input.password);
  if (!ok || !c.row || !c.workspaceId) {
    await throttleFail(ctx, key);
    await recordFailure(ctx, input, c, email);
    throw unauthorized(SIGN_IN_FAILED);
  }
  await throttleSuccess(ctx, key);
  await endOldSession(ctx, input.oldCookie);
  const row = c.row;
  const workspaceId = c.workspaceId;
  const { stage, next } = nextStep(row);
  const now = ctx.now();
  const session = await ctx.db.withWorkspace(workspaceId, async (trx) => {
    const s = await createSession(trx, {
      workspaceId,
      userId: row.id,
      stage,
      now,
      absoluteHours: ctx.config.sessions.absoluteHours,
      clientLabel: input.userAgentLabel,
    });
    await markSeen(trx, row.id, now);
    await recordAudit(trx, {
      action: 'auth.sign_in',
      actor: { type: 'user', id: row.id },
      subjectIds: [row.id],
      details: { ip: await auditHash(ctx, trx, workspaceId, 'audit.ip', input.ip), secondFactorPending: stage === 'totp' },
      requestId: input.requestId,
    });
    return s;
  });
  return { user: { id: row.id, email, role: row.role }, next, session };
}
