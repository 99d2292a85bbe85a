import { sql } from 'kysely';
import { auditId, recordAudit } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { forbidden, notFound } from '../../../platform/errors.js';
import { queueMail, type Sealer } from '../../../platform/mail/index.js';
import { mayResetTotp } from '../members/permissions.js';
import { endSessionsOfUser } from '../auth/sessions.js';
import { revokeTokensMadeBy } from '../tokens/tokens.js';
import type { AuditContext } from './totp-enrolment.js';
import { deleteRecoveryCodes } from './totp-recovery.js';
import { clearTotp, memberEmail, type TotpVault } from './totp.js';
import type { Role } from '../../../kernel/access.js';

export interface ResetInput {
  workspaceId: string;
  targetId: string;
  now: Date;
  audit: AuditContext;
  /** Who the notice names as having reset it. */
  by: 'owner' | 'admin' | 'operator';
}

export interface ResetResult {
  memberId: string;
  sessionsEnded: number;
  /** API tokens the member made, revoked with the factor they were made behind. */
  tokensRevoked: number;
}

async function memberRole(trx: Trx, userId: string): Promise<Role | null> {
  const r = await sql<{ role: Role }>`select role from users where id = ${userId} and status = 'active' for update`.execute(trx);
  return r.rows[0]?.role ?? null;
}

/**
 * May this signed-in member reset that member's 2FA (mayResetTotp)? Owners
 * reset anyone's but their own; admins only sales', support's and auditors'.
 * Nobody resets their own this way, which would skip the password and code a
 * re-enrolment needs. Tokens never reach here (the route refuses them).
 */
export async function assertMayReset(trx: Trx, actor: { userId: string; role: Role }, targetId: string): Promise<void> {
  const targetRole = await memberRole(trx, targetId);
  if (!targetRole) throw notFound();
  if (targetId === actor.userId) throw forbidden('Change your own two-factor authentication by enrolling again with your password and a current code.');
  if (!mayResetTotp(actor.role, targetRole)) {
    throw forbidden('Only an owner may reset the two-factor authentication of an owner, an admin or a DPO.');
  }
}

/**
 * Removes a member's second factor and recovery codes, ends their sessions
 * (a session that passed the old factor must not outlive it), revokes the API
 * tokens they made (each was minted behind that factor), tells them by mail
 * and audits it, all in one transaction. Their next sign-in asks them to
 * enrol again (owners, admins and DPOs cannot do anything else until they do).
 */
export async function resetMemberTotp(trx: Trx, vault: TotpVault & Sealer, input: ResetInput): Promise<ResetResult> {
  if (!(await memberRole(trx, input.targetId))) throw notFound();
  await clearTotp(trx, input.targetId);
  await deleteRecoveryCodes(trx, input.targetId);
  const sessionsEnded = await endSessionsOfUser(trx, input.targetId);
  const tokensRevoked = await revokeTokensMadeBy(trx, input.targetId, input.now, { ...input.audit, reason: 'totp_reset' });
  const email = await memberEmail(trx, vault, input.workspaceId, input.targetId);
  if (email) {
    await queueMail(trx, vault, {
      workspaceId: input.workspaceId,
      subjectId: null,
      to: email,
      subject: 'Your two-factor authentication was reset',
      text: resetNotice(input.by, tokensRevoked),
    });
  }
  await recordAudit(trx, {
    action: 'auth.totp_reset',
    actor: input.audit.actor,
    details: { memberId: auditId(input.targetId), sessionsEnded, tokensRevoked },
    requestId: input.audit.requestId,
  });
  return { memberId: input.targetId, sessionsEnded, tokensRevoked };
}

function resetNotice(by: ResetInput['by'], tokensRevoked: number): string {
  const who = by === 'operator' ? 'the operator of this Confidant server' : `an ${by} of your workspace`;
  return [
    `The two-factor authentication of your Confidant account was reset by ${who}.`,
    'Your sessions were signed out and your recovery codes no longer work.',
    ...(tokensRevoked > 0 ? [`The ${tokensRevoked === 1 ? 'API token' : `${tokensRevoked} API tokens`} you made ${tokensRevoked === 1 ? 'was' : 'were'} revoked.`] : []),
    'The next time you sign in you will be asked to set up an authenticator app again.',
    '',
    'If you did not ask for this, tell a workspace owner at once.',
  ].join('\n');
}
