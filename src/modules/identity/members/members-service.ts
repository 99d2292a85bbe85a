import type { AppContext } from '../../../kernel/context.js';
import { auditCode, auditId, recordAudit, recordAuditMany } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { conflict, forbidden, notFound } from '../../../platform/errors.js';
import { auditActor, type AuthState } from '../../../kernel/auth.js';
import {
  activeMemberForUpdate,
  disableMember,
  lockActiveOwners,
  memberLabel,
  notifyOwners,
  openUserEmail,
  revokeInvitationsBy,
  setMemberRole,
  workspaceName,
  type MemberRow,
} from './members-queries.js';
import { mayGrantRole, mayResetTotp } from './permissions.js';
import { endSessionsOfUser, rotateSession, type IssuedSession } from '../auth/sessions.js';
import { revokeTokensMadeBy } from '../tokens/tokens.js';
import type { Role } from '../../../kernel/access.js';

export interface MemberView {
  id: string;
  email: string;
  role: Role;
  totpEnrolled: boolean;
  lastSeenAt: string | null;
  /** May the caller reset this member's 2FA? Sent with the data so the team page never re-derives the rule. */
  canResetTotp: boolean;
}

/**
 * Whether this caller may reset that member's 2FA: a signed-in member (never
 * a token) acting on someone else, within mayResetTotp.
 */
export function mayResetTotpOf(auth: AuthState, target: { id: string; role: Role }): boolean {
  return auth.kind === 'session' && auth.role !== null && auth.userId !== target.id && mayResetTotp(auth.role, target.role);
}

export async function memberView(trx: Trx, ctx: AppContext, auth: AuthState, row: MemberRow): Promise<MemberView> {
  return {
    id: row.id,
    email: await openUserEmail(trx, ctx.vault, auth.workspaceId, row),
    role: row.role,
    totpEnrolled: row.totp_enrolled_at !== null,
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    canResetTotp: mayResetTotpOf(auth, row),
  };
}

/**
 * The rank a caller manages members with. An operator's token (no maker) that
 * was explicitly given members:manage acts as an admin: it never touches owners.
 */
export function managerRole(auth: AuthState): Role {
  return auth.role ?? 'admin';
}

/** Who did it, for the owners' mail: a member's email, or what kind of credential it was. */
export async function actorLabel(trx: Trx, ctx: AppContext, auth: AuthState): Promise<string> {
  if (!auth.userId) return 'an operator API token';
  const who = await memberLabel(trx, ctx.vault, auth.workspaceId, auth.userId, 'a former member');
  return auth.kind === 'token' ? `an API token made by ${who}` : who;
}

/**
 * Ends what a member's old role started: the tokens they made and the
 * invitations they sent and nobody has accepted yet, each revocation audited
 * (`token.revoked`, `invitation.revoked` with the reason). Both were made
 * with the reach of a role the member no longer holds.
 */
async function endWhatTheyStarted(
  trx: Trx,
  auth: AuthState,
  target: MemberRow,
  reason: 'role_changed' | 'member_removed',
  now: Date,
  requestId: string,
): Promise<{ tokens: number; invitations: number }> {
  const actor = auditActor(auth);
  const tokens = await revokeTokensMadeBy(trx, target.id, now, { actor, requestId, reason });
  const invitations = await revokeInvitationsBy(trx, target.id, now);
  await recordAuditMany(trx, invitations.map((id) => ({
    action: 'invitation.revoked' as const,
    actor,
    details: { invitationId: auditId(id), reason: auditCode(reason), invitedBy: auditId(target.id) },
    requestId,
  })));
  return { tokens, invitations: invitations.length };
}

/** What the owners' mail says went with a role change or a removal. */
function endedText(ended: { tokens: number; invitations: number }): string {
  const invitations = ended.invitations === 1 ? '1 pending invitation' : `${ended.invitations} pending invitations`;
  const tokens = ended.tokens === 1 ? '1 API token' : `${ended.tokens} API tokens`;
  return `Their sessions were ended; ${tokens} they made and ${invitations} they sent were revoked.\n`;
}

/**
 * Loads the target under lock with every owner locked first (one lock order
 * for every member change, so no deadlock), and applies the rules THREATS.md
 * sets: nobody acts on a role above their own, only owners act on owners.
 */
async function lockTarget(trx: Trx, auth: AuthState, targetId: string): Promise<{ target: MemberRow; owners: string[] }> {
  const owners = await lockActiveOwners(trx);
  const target = await activeMemberForUpdate(trx, targetId);
  if (!target) throw notFound('No such member.');
  if (!mayGrantRole(managerRole(auth), target.role)) {
    throw forbidden(target.role === 'owner' ? 'Only owners manage owners.' : 'You cannot manage a member whose role is above your own.');
  }
  return { target, owners };
}

function lastOwner(): Error {
  return conflict('A workspace keeps at least one owner: make another member owner first.', 'last-owner');
}

export interface RoleChangeResult {
  member: MemberView;
  /** Set when callers changed their own role: their session was rotated (new cookie and CSRF token). */
  rotated: IssuedSession | null;
}

/**
 * Changes a member's role. Every session of theirs ends and every token they
 * made is revoked in the same transaction, so their very next request gets
 * 401; a caller changing their own role keeps a rotated session instead.
 */
export async function changeMemberRole(ctx: AppContext, auth: AuthState, targetId: string, role: Role, requestId: string): Promise<RoleChangeResult> {
  return ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
    const { target, owners } = await lockTarget(trx, auth, targetId);
    if (!mayGrantRole(managerRole(auth), role)) throw forbidden('You can grant only roles at or below your own.');
    if (target.role === role) return { member: await memberView(trx, ctx, auth, target), rotated: null };
    if (target.role === 'owner' && owners.length <= 1) throw lastOwner();
    const now = ctx.now();
    await setMemberRole(trx, target.id, role);
    const self = auth.kind === 'session' && auth.userId === target.id && auth.sessionId !== null;
    await endSessionsOfUser(trx, target.id, self ? auth.sessionId : null);
    const rotated = self && auth.sessionId ? await rotateSession(trx, auth.sessionId) : null;
    const ended = await endWhatTheyStarted(trx, auth, target, 'role_changed', now, requestId);
    await recordAudit(trx, {
      action: 'member.role_changed',
      actor: auditActor(auth),
      subjectIds: [target.id],
      details: { memberId: auditId(target.id), from: auditCode(target.role), to: auditCode(role) },
      requestId,
    });
    const member = await memberView(trx, ctx, auth, { ...target, role });
    const ws = await workspaceName(ctx.hooks, trx, auth.workspaceId);
    await notifyOwners(trx, ctx.vault, auth.workspaceId, `A role changed in ${ws}`,
      `The role of ${member.email} in ${ws} changed from ${target.role} to ${role}.\nChanged by: ${await actorLabel(trx, ctx, auth)}.\n` +
        `${endedText(ended)}\nIf you did not expect this, review the members and the audit trail now.\n`);
    return { member, rotated };
  });
}

/**
 * Removes a member: sessions end, tokens and pending invitations they made
 * are revoked, and the account is disabled with its email and password
 * replaced (members-queries.ts, disableMember).
 */
export async function removeMember(ctx: AppContext, auth: AuthState, targetId: string, requestId: string): Promise<void> {
  await ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
    const { target, owners } = await lockTarget(trx, auth, targetId);
    if (target.role === 'owner' && owners.length <= 1) throw lastOwner();
    const now = ctx.now();
    const email = await openUserEmail(trx, ctx.vault, auth.workspaceId, target);
    const by = await actorLabel(trx, ctx, auth);
    await endSessionsOfUser(trx, target.id);
    const ended = await endWhatTheyStarted(trx, auth, target, 'member_removed', now, requestId);
    await disableMember(trx, ctx.vault, auth.workspaceId, target);
    await recordAudit(trx, {
      action: 'member.removed',
      actor: auditActor(auth),
      subjectIds: [target.id],
      details: { memberId: auditId(target.id), role: auditCode(target.role) },
      requestId,
    });
    const ws = await workspaceName(ctx.hooks, trx, auth.workspaceId);
    await notifyOwners(trx, ctx.vault, auth.workspaceId, `A member was removed from ${ws}`,
      `${email} (${target.role}) was removed from ${ws}.\nRemoved by: ${by}.\n${endedText(ended)}`);
  });
}
