import { auditCode, recordAudit } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { rotateSession, type IssuedSession } from '../auth/sessions.js';
import { auditTotpFailure, type TotpCall } from './totp-enrolment.js';
import { consumeRecoveryCode, remainingRecoveryCodes } from './totp-recovery.js';
import { checkEnrolledCode, lockTotpUser, type TotpVault } from './totp.js';

export type ChallengeMethod = 'totp' | 'recovery_code';

export interface ChallengeInput {
  sessionId: string;
  method: ChallengeMethod;
  /** The 6-digit code or the recovery code, as typed. */
  value: string;
}

export type ChallengeResult =
  | { kind: 'ok'; session: IssuedSession; recoveryCodesLeft: number | null }
  | { kind: 'failed'; reason: 'wrong' | 'replay' | 'not_enrolled' };

/**
 * The second step of signing in. A right code (each time step once) or an
 * unused recovery code (then deleted) moves the session to 'full' under a new
 * id and CSRF token, so a cookie seen before the second factor is worth
 * nothing after it. A failure is audited in the same transaction, which the
 * caller commits before answering 401.
 */
export async function passChallenge(trx: Trx, vault: TotpVault, call: TotpCall, input: ChallengeInput): Promise<ChallengeResult> {
  const row = await lockTotpUser(trx, call.userId);
  let outcome: 'ok' | 'wrong' | 'replay' | 'not_enrolled';
  if (!row?.totp_enrolled_at) outcome = 'not_enrolled';
  else if (input.method === 'totp') outcome = await checkEnrolledCode(trx, vault, call.workspaceId, row, input.value, call.now);
  else outcome = (await consumeRecoveryCode(trx, call.userId, input.value)) ? 'ok' : 'wrong';

  if (outcome !== 'ok') {
    await auditTotpFailure(trx, call.audit, input.method, outcome);
    return { kind: 'failed', reason: outcome };
  }
  let recoveryCodesLeft: number | null = null;
  if (input.method === 'recovery_code') {
    recoveryCodesLeft = await remainingRecoveryCodes(trx, call.userId);
    await recordAudit(trx, {
      action: 'auth.recovery_code_used',
      actor: call.audit.actor,
      details: { remaining: recoveryCodesLeft },
      requestId: call.audit.requestId,
    });
  }
  await recordAudit(trx, {
    action: 'auth.totp_passed',
    actor: call.audit.actor,
    details: { method: auditCode(input.method) },
    requestId: call.audit.requestId,
  });
  const session = await rotateSession(trx, input.sessionId, 'full');
  return { kind: 'ok', session, recoveryCodesLeft };
}
