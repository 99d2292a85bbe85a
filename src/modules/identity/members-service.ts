import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import { auditCode, auditId, recordAudit } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import { auditActor, type AuthState } from './auth-hook.js';
import {
  activeMemberForUpdate,
  disableMember,
  lockActiveOwners,
  notifyOwners,
  openUserEmail,
  revokeInvitationsBy,
  setMemberRole,
  workspaceName,
  type MemberRow,
} from './members-queries.js';
import { mayGrantRole } from './permissions.js';
import { endSessionsOfUser, rotateSession, type IssuedSession } from './sessions.js';
import { revokeTokensMadeBy } from './tokens.js';
import type { Role } from './users.js';

export interface MemberView {
  id: string;
  email: string;
  role: Role;
  totpEnrolled: boolean;
  lastSeenAt: string | null;
}

export async function memberView(trx: Trx, ctx: AppContext, workspaceId: string, row: MemberRow): Promise<MemberView> {
  return {
    id: row.id,
    email: await openUserEmail(trx, ctx.vault, workspaceId, row),
    role: row.role,
    totpEnrolled: row.totp_enrolled_at !== null,
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
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
async function actorLabel(trx: Trx, ctx: AppContext, auth: AuthState): Promise<string> {
  if (!auth.userId) return 'an operator API token';
  const r = await sql<MemberRow>`select id, email_ciphertext, record_version from users where id = ${auth.userId}`.execute(trx);
  const row = r.rows[0];
  const who = row ? await openUserEmail(trx, ctx.vault, auth.workspaceId, row) : 'a former member';
  return auth.kind === 'token' ? `an API token made by ${who}` : who;
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
    if (target.role === role) return { member: await memberView(trx, ctx, auth.workspaceId, target), rotated: null };
    if (target.role === 'owner' && owners.length <= 1) throw lastOwner();
    const now = ctx.now();
    await setMemberRole(trx, target.id, role);
    const self = auth.kind === 'session' && auth.userId === target.id && auth.sessionId !== null;
    await endSessionsOfUser(trx, target.id, self ? auth.sessionId : null);
    const rotated = self && auth.sessionId ? await rotateSession(trx, auth.sessionId) : null;
    await revokeTokensMadeBy(trx, target.id, now);
    await recordAudit(trx, {
      action: 'member.role_changed',
      actor: auditActor(auth),
      subjectIds: [target.id],
      details: { memberId: auditId(target.id), from: auditCode(target.role), to: auditCode(role) },
      requestId,
    });
    const member = await memberView(trx, ctx, auth.workspaceId, { ...target, role });
    const ws = await workspaceName(trx, auth.workspaceId);
    await notifyOwners(trx, ctx.vault, auth.workspaceId, `A role changed in ${ws}`,
      `The role of ${member.email} in ${ws} changed from ${target.role} to ${role}.\nChanged by: ${await actorLabel(trx, ctx, auth)}.\n` +
        `Their sessions were ended and the API tokens they made were revoked.\n\nIf you did not expect this, review the members and the audit trail now.\n`);
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
    await revokeTokensMadeBy(trx, target.id, now);
    await revokeInvitationsBy(trx, target.id, now);
    await disableMember(trx, ctx.vault, auth.workspaceId, target);
    await recordAudit(trx, {
      action: 'member.removed',
      actor: auditActor(auth),
      subjectIds: [target.id],
      details: { memberId: auditId(target.id), role: auditCode(target.role) },
      requestId,
    });
    const ws = await workspaceName(trx, auth.workspaceId);
    await notifyOwners(trx, ctx.vault, auth.workspaceId, `A member was removed from ${ws}`,
      `${email} (${target.role}) was removed from ${ws}.\nRemoved by: ${by}.\n` +
        `Their sessions were ended and the API tokens and invitations they made were revoked.\n`);
  });
}
