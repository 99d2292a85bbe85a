import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../../kernel/context.js';
import { auditCode, auditId, recordAudit } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { forbidden, validationFailed } from '../../../platform/errors.js';
import { queueMail } from '../../../platform/mail/index.js';
import { auditActor, type AuthState } from '../../../kernel/auth.js';
import { memberLabel, notifyOwners, workspaceName } from './members-queries.js';
import { actorLabel, managerRole } from './members-service.js';
import { mayGrantRole } from './permissions.js';
import { newSecret, secretHash } from '../auth/sessions.js';
import { createUser, findUserByEmail, normalizeEmail } from './users.js';
import type { Role } from '../../../kernel/access.js';
import { workspaceFacts } from '../workspace-facts.js';

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

function emailTarget(workspaceId: string, id: string, recordVersion: number) {
  return { workspaceId, subjectId: null, table: 'invitations', rowId: id, column: 'email', recordVersion };
}

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
}

/** The link the invitee follows: the token rides in the fragment, which browsers never send to a server or a Referer. */
export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/accept-invitation#token=${token}`;
}

/**
 * Invites someone by email to a role at or below the inviter's own. The link
 * is single-use and lives INVITATION_DAYS; only its SHA-256 is stored.
 */
export async function inviteMember(ctx: AppContext, auth: AuthState, input: { email: string; role: Role }, requestId: string): Promise<InvitationView> {
  if (!mayGrantRole(managerRole(auth), input.role)) throw forbidden('You can invite only to roles at or below your own.');
  const email = normalizeEmail(input.email);
  return ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
    // Whoever may invite may list members, so saying so reveals nothing new.
    if (await findUserByEmail(trx, ctx.vault, auth.workspaceId, email)) {
      throw validationFailed([{ path: 'email', message: 'A member with this email already exists.' }]);
    }
    const id = randomUUID();
    const token = newSecret();
    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
    const sealed = await ctx.vault.seal(trx, emailTarget(auth.workspaceId, id, 1), Buffer.from(email, 'utf8'));
    await sql`insert into invitations (workspace_id, id, token_hash, email_ciphertext, role, invited_by, created_at, expires_at)
      values (${auth.workspaceId}, ${id}, ${secretHash(token)}, ${sealed}, ${input.role}, ${auth.userId}, ${now}, ${expiresAt})`.execute(trx);
    const ws = await workspaceName(ctx.hooks, trx, auth.workspaceId);
    await queueMail(trx, ctx.vault, {
      workspaceId: auth.workspaceId,
      subjectId: null,
      to: email,
      subject: `You are invited to ${ws} on Confidant`,
      text:
        `You have been invited to join ${ws} on Confidant as ${input.role}.\n\n` +
        `Choose your password here (the link works once, until ${expiresAt.toISOString()}):\n${invitationLink(ctx.config.publicUrl, token)}\n\n` +
        `If you did not expect this invitation, ignore this message.\n`,
    });
    await recordAudit(trx, {
      action: 'member.invited',
      actor: auditActor(auth),
      details: { invitationId: auditId(id), role: auditCode(input.role) },
      requestId,
    });
    // Owners hear of every way in, not only of role changes: an invitation is a role granted in advance.
    await notifyOwners(trx, ctx.vault, auth.workspaceId, `An invitation to ${ws} as ${input.role}`,
      `${email} was invited to join ${ws} as ${input.role}.\nInvited by: ${await actorLabel(trx, ctx, auth)}.\n` +
        `The link works once, until ${expiresAt.toISOString()}.\n\nIf you did not expect this, review the members and the audit trail now.\n`);
    return { id, email, role: input.role, expiresAt: expiresAt.toISOString() };
  });
}

interface InvitationRow {
  id: string;
  email_ciphertext: Buffer;
  record_version: number;
  role: Role;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  slug: string;
  workspace_status: string;
  invited_by: string | null;
  inviter_role: Role | null;
  inviter_status: string | null;
}

/** Unknown, used, revoked and expired links all get this one answer: a guess learns nothing. */
export function invalidInvitation(): Error {
  return validationFailed([{ path: 'token', message: 'This invitation link is invalid, used or expired.' }], 'The invitation cannot be accepted.');
}

/** Crosses workspaces through the definer function: the link names no workspace. */
export async function invitationByToken(ctx: AppContext, token: string): Promise<{ workspaceId: string; invitationId: string } | null> {
  const r = await ctx.db.withSystem((trx) =>
    sql<{ workspace_id: string; invitation_id: string }>`select * from confidant_invitation_lookup(${secretHash(token)})`.execute(trx),
  );
  const row = r.rows[0];
  return row ? { workspaceId: row.workspace_id, invitationId: row.invitation_id } : null;
}

async function lockInvitation(ctx: AppContext, trx: Trx, id: string): Promise<InvitationRow | null> {
  const r = await sql<Omit<InvitationRow, 'slug' | 'workspace_status'> & { workspace_id: string }>`
    select i.id, i.email_ciphertext, i.record_version, i.role, i.expires_at, i.accepted_at, i.revoked_at,
           i.workspace_id, i.invited_by, u.role as inviter_role, u.status as inviter_status
    from invitations i
      left join users u on u.id = i.invited_by
    where i.id = ${id} for update of i`.execute(trx);
  const row = r.rows[0];
  if (!row) return null;
  // The invitation's workspace (the old inner join): none seen, no invitation.
  const ws = await workspaceFacts(ctx.hooks, trx, row.workspace_id);
  if (!ws) return null;
  return { ...row, slug: ws.slug, workspace_status: ws.status };
}

/**
 * The sender must still hold a role that may grant the invited one. Role
 * changes and removals revoke what a member sent (members-service.ts); this
 * is the same rule checked again when it matters, whatever changed the
 * sender's role. The operator's invitations (no sender) stand.
 */
function inviterStillGrants(inv: InvitationRow): boolean {
  if (inv.invited_by === null) return true;
  return inv.inviter_status === 'active' && inv.inviter_role !== null && mayGrantRole(inv.inviter_role, inv.role);
}

/**
 * Accepts an invitation: creates the member with the chosen password and
 * marks the invitation used, in one transaction under the invitation's row
 * lock, so two concurrent accepts cannot both create a member. A bad password
 * rolls everything back and leaves the link usable. It does not sign in.
 */
export async function acceptInvitation(ctx: AppContext, found: { workspaceId: string; invitationId: string }, password: string, requestId: string): Promise<{ workspace: string; email: string }> {
  const { workspaceId } = found;
  return ctx.db.withWorkspace(workspaceId, async (trx) => {
    const inv = await lockInvitation(ctx, trx, found.invitationId);
    const now = ctx.now();
    if (!inv || inv.accepted_at || inv.revoked_at || now >= inv.expires_at || inv.workspace_status !== 'active') throw invalidInvitation();
    if (!inviterStillGrants(inv)) throw invalidInvitation();
    const email = Buffer.from(await ctx.vault.open(trx, emailTarget(workspaceId, inv.id, inv.record_version), inv.email_ciphertext)).toString('utf8');
    const user = await createUser(trx, ctx.vault, { workspaceId, email, password, role: inv.role, now });
    await sql`update invitations set accepted_at = ${now}, accepted_user_id = ${user.id} where id = ${inv.id}`.execute(trx);
    await recordAudit(trx, {
      action: 'member.joined',
      actor: { type: 'user', id: user.id },
      subjectIds: [user.id],
      details: { invitationId: auditId(inv.id), role: auditCode(inv.role) },
      requestId,
    });
    const ws = await workspaceName(ctx.hooks, trx, workspaceId);
    const by = await memberLabel(trx, ctx.vault, workspaceId, inv.invited_by, 'an operator API token');
    await notifyOwners(trx, ctx.vault, workspaceId, `A new member of ${ws} as ${inv.role}`,
      `${email} accepted an invitation and joined ${ws} as ${inv.role}.\nInvited by: ${by}.\n\n` +
        `If you did not expect this, review the members and the audit trail now.\n`);
    return { workspace: inv.slug, email };
  });
}
