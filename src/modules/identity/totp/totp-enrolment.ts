import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { Hooks } from '../../../kernel/hooks.js';
import { auditCode, recordAudit, type AuditEventInput } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { notFound } from '../../../platform/errors.js';
import { revokeTokensMadeBy } from '../tokens/tokens.js';
import { workspaceFacts } from '../workspace-facts.js';
import { deleteRecoveryCodes, replaceRecoveryCodes } from './totp-recovery.js';
import {
  clearTotp,
  lockTotpUser,
  matchingStep,
  memberEmail,
  newTotpSecret,
  reauthenticate,
  totpOf,
  totpRequired,
  totpTarget,
  type ReauthOutcome,
  type TotpUserRow,
  type TotpVault,
} from './totp.js';

/** A secret shown but not confirmed lapses: a QR code left on a screen does not stay enrollable. */
export const PENDING_TTL_MS = 15 * 60_000;

/** Who acts and under which request, for the audit events of one call. */
export interface AuditContext {
  actor: AuditEventInput['actor'];
  requestId: string | null;
}

export interface TotpCall {
  workspaceId: string;
  userId: string;
  now: Date;
  audit: AuditContext;
  /** For the workspace's slug and its 2FA setting (identity.workspace). */
  hooks: Pick<Hooks, 'one'>;
}

export interface Reauth {
  password?: string | undefined;
  code?: string | undefined;
}

export type Refusal = { kind: 'reauth_required' } | { kind: 'failed'; reason: ReauthOutcome };

export interface EnrolmentStart {
  kind: 'ok';
  otpauthUri: string;
  secret: string;
  qrSvg: string;
}

/** Records a refused second factor in the caller's transaction (which must commit). */
export async function auditTotpFailure(trx: Trx, audit: AuditContext, context: string, reason: string): Promise<void> {
  await recordAudit(trx, {
    action: 'auth.totp_failed',
    actor: audit.actor,
    details: { context: auditCode(context), reason: auditCode(reason) },
    requestId: audit.requestId,
  });
}

/**
 * Password and code for a member who already has a second factor; a refusal
 * is audited here. Null when the member may go on.
 */
async function requireReauth(trx: Trx, vault: TotpVault, call: TotpCall, row: TotpUserRow, reauth: Reauth, context: string): Promise<Refusal | null> {
  if (reauth.password === undefined || reauth.code === undefined) return { kind: 'reauth_required' };
  const outcome = await reauthenticate(trx, vault, call.workspaceId, row, { password: reauth.password, code: reauth.code }, call.now);
  if (outcome === 'ok') return null;
  await auditTotpFailure(trx, call.audit, context, outcome);
  return { kind: 'failed', reason: outcome };
}

/**
 * Starts (or restarts) an enrolment: a new secret, stored sealed as pending
 * until a code made from it is confirmed. A member who is already enrolled
 * proves password and current code first.
 */
export async function startEnrolment(trx: Trx, vault: TotpVault, call: TotpCall, reauth: Reauth): Promise<EnrolmentStart | Refusal> {
  const row = await lockTotpUser(trx, call.userId);
  if (!row) throw notFound();
  if (row.totp_enrolled_at) {
    const refused = await requireReauth(trx, vault, call, row, reauth, 're_enrolment');
    if (refused) return refused;
  }
  const secret = newTotpSecret();
  const version = row.totp_version + 1;
  const sealed = await vault.seal(trx, totpTarget(call.workspaceId, call.userId, 'totp_pending', version), secret);
  await sql`update users set totp_pending = ${sealed}, totp_pending_at = ${call.now} where id = ${call.userId}`.execute(trx);
  const slug = await workspaceSlug(trx, call.hooks, call.workspaceId);
  const email = (await memberEmail(trx, vault, call.workspaceId, call.userId)) ?? 'member';
  const otpauthUri = totpOf(secret, `${slug}/${email}`).toString();
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { kind: 'ok', otpauthUri, secret, qrSvg };
}

async function workspaceSlug(trx: Trx, hooks: Pick<Hooks, 'one'>, workspaceId: string): Promise<string> {
  return (await workspaceFacts(hooks, trx, workspaceId))?.slug ?? 'workspace';
}

export type ConfirmResult =
  | { kind: 'ok'; recoveryCodes: string[]; reenrolment: boolean }
  | { kind: 'no_pending' }
  | { kind: 'wrong' };

/**
 * Confirms the pending secret with a code made from it: the secret becomes
 * the member's second factor (sealed under the next version), the code's step
 * is used up, and a new set of recovery codes replaces the old one. The
 * replay check is against this code only: a re-enrolling member who just
 * typed the old secret's code may type the new one within the same step.
 */
export async function confirmEnrolment(trx: Trx, vault: TotpVault, call: TotpCall, code: string): Promise<ConfirmResult> {
  const row = await lockTotpUser(trx, call.userId);
  if (!row) throw notFound();
  const pendingAt = row.totp_pending_at?.getTime() ?? 0;
  if (!row.totp_pending || call.now.getTime() - pendingAt > PENDING_TTL_MS) return { kind: 'no_pending' };
  const version = row.totp_version + 1;
  const secret = Buffer.from(await vault.open(trx, totpTarget(call.workspaceId, row.id, 'totp_pending', version), row.totp_pending)).toString('utf8');
  const step = matchingStep(secret, code, call.now);
  if (step === null) {
    await auditTotpFailure(trx, call.audit, 'enrolment', 'wrong');
    return { kind: 'wrong' };
  }
  const sealed = await vault.seal(trx, totpTarget(call.workspaceId, row.id, 'totp_secret', version), secret);
  await sql`update users set totp_secret = ${sealed}, totp_enrolled_at = ${call.now}, totp_last_step = ${step},
      totp_version = ${version}, totp_pending = null, totp_pending_at = null
    where id = ${row.id}`.execute(trx);
  const recoveryCodes = await replaceRecoveryCodes(trx, call.workspaceId, row.id, call.now);
  const reenrolment = row.totp_enrolled_at !== null;
  await recordAudit(trx, {
    action: 'auth.totp_enrolled',
    actor: call.audit.actor,
    details: { reenrolment, recoveryCodes: recoveryCodes.length },
    requestId: call.audit.requestId,
  });
  return { kind: 'ok', recoveryCodes, reenrolment };
}

export type DisableResult = { kind: 'ok' } | { kind: 'required' } | { kind: 'not_enrolled' } | Refusal;

/**
 * Turns the second factor off for a member whose role and workspace do not
 * require it, after password and a current code. The API tokens they made go
 * with it: only an enrolled member makes tokens, and a token skips 2FA.
 */
export async function disableTotp(trx: Trx, vault: TotpVault, call: TotpCall, reauth: Reauth): Promise<DisableResult> {
  const row = await lockTotpUser(trx, call.userId);
  if (!row) throw notFound();
  if (await totpRequired(trx, call.hooks, call.workspaceId, row.role)) return { kind: 'required' };
  if (!row.totp_enrolled_at) return { kind: 'not_enrolled' };
  const refused = await requireReauth(trx, vault, call, row, reauth, 'disable');
  if (refused) return refused;
  await clearTotp(trx, row.id);
  await deleteRecoveryCodes(trx, row.id);
  const tokensRevoked = await revokeTokensMadeBy(trx, row.id, call.now, { ...call.audit, reason: 'totp_disabled' });
  await recordAudit(trx, { action: 'auth.totp_disabled', actor: call.audit.actor, details: { tokensRevoked }, requestId: call.audit.requestId });
  return { kind: 'ok' };
}
