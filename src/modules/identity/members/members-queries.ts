import { sql } from 'kysely';
import type { Hooks } from '../../../kernel/hooks.js';
import type { Trx } from '../../../platform/db/database.js';
import { queueMail, type Sealer } from '../../../platform/mail/index.js';
import { EMAIL_INDEX, hashPassword, type UserVault } from './users.js';
import type { Role } from '../../../kernel/access.js';
import { newSecret } from '../auth/sessions.js';
import { workspaceFacts } from '../workspace-facts.js';

/** What member management needs of the vault: sealing (users, mail) and blind indexes. */
export type MemberVault = UserVault & Sealer;

export interface MemberRow {
  id: string;
  email_ciphertext: Buffer;
  record_version: number;
  role: Role;
  totp_enrolled_at: Date | null;
  last_seen_at: Date | null;
  created_at: Date;
}

const MEMBER_COLUMNS = sql`id, email_ciphertext, record_version, role, totp_enrolled_at, last_seen_at, created_at`;

export function userEmailTarget(workspaceId: string, userId: string, recordVersion: number) {
  return { workspaceId, subjectId: null, table: 'users', rowId: userId, column: 'email', recordVersion };
}

export async function openUserEmail(trx: Trx, vault: UserVault, workspaceId: string, row: Pick<MemberRow, 'id' | 'record_version' | 'email_ciphertext'>): Promise<string> {
  const plain = await vault.open(trx, userEmailTarget(workspaceId, row.id, row.record_version), row.email_ciphertext);
  return Buffer.from(plain).toString('utf8');
}

/** Active members in a stable order (created_at, id), after the keyset cursor if any. */
export async function memberPage(trx: Trx, after: { createdAt: Date; id: string } | null, limit: number): Promise<MemberRow[]> {
  // Last seen: the latest of the sign-in time kept on the user and any live session's last request.
  const r = await sql<MemberRow>`
    select id, email_ciphertext, record_version, role, totp_enrolled_at, created_at,
      greatest(last_seen_at, (select max(s.last_seen_at) from sessions s where s.user_id = users.id)) as last_seen_at
    from users where status = 'active'
      and (${after?.createdAt ?? null}::timestamptz is null or (created_at, id) > (${after?.createdAt ?? null}::timestamptz, ${after?.id ?? null}::uuid))
    order by created_at, id limit ${limit}`.execute(trx);
  return r.rows;
}

/** An active member, locked for the change about to be made to it. */
export async function activeMemberForUpdate(trx: Trx, userId: string): Promise<MemberRow | null> {
  const r = await sql<MemberRow>`select ${MEMBER_COLUMNS} from users where id = ${userId} and status = 'active' for update`.execute(trx);
  return r.rows[0] ?? null;
}

/**
 * Locks every active owner row. Two owners demoting each other at once: the
 * second waits for the first, then re-reads and finds one owner left (409).
 */
export async function lockActiveOwners(trx: Trx): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from users where role = 'owner' and status = 'active' order by id for update`.execute(trx);
  return r.rows.map((row) => row.id);
}

export async function setMemberRole(trx: Trx, userId: string, role: Role): Promise<void> {
  await sql`update users set role = ${role} where id = ${userId}`.execute(trx);
}

/**
 * Removal keeps the row, so ids in audit events and in records the member
 * owned still resolve (to "a former member"), but drops what identifies or
 * authenticates them: the email becomes a sealed placeholder (the address can
 * be invited again), the password hash one of a random secret nobody knows,
 * the TOTP secret goes. status = 'disabled' stops sessions and tokens in the
 * auth hook even before they are deleted.
 */
export async function disableMember(trx: Trx, vault: UserVault, workspaceId: string, member: MemberRow): Promise<void> {
  const placeholder = `removed-${member.id}@removed.invalid`;
  const version = member.record_version + 1;
  const sealed = await vault.seal(trx, userEmailTarget(workspaceId, member.id, version), Buffer.from(placeholder, 'utf8'));
  const bidx = await vault.blindIndex(trx, workspaceId, EMAIL_INDEX, placeholder);
  const passwordHash = await hashPassword(newSecret());
  await sql`update users set status = 'disabled', email_ciphertext = ${sealed}, email_bidx = ${bidx},
      record_version = ${version}, password_hash = ${passwordHash}, totp_secret = null, totp_enrolled_at = null
    where id = ${member.id}`.execute(trx);
}

/**
 * Pending invitations a member sent die with their membership or their role
 * (a leaver cannot let themselves back in, a demoted admin cannot keep the
 * admin invitation they sent their own second address). Answers the ids.
 */
export async function revokeInvitationsBy(trx: Trx, userId: string, now: Date): Promise<string[]> {
  const r = await sql<{ id: string }>`update invitations set revoked_at = ${now}
    where invited_by = ${userId} and accepted_at is null and revoked_at is null returning id`.execute(trx);
  return r.rows.map((row) => row.id);
}

/** A member's email for a notice, or `none` when there is no member (the operator) or no longer one. */
export async function memberLabel(trx: Trx, vault: UserVault, workspaceId: string, userId: string | null, none: string): Promise<string> {
  if (!userId) return none;
  const r = await sql<MemberRow>`select id, email_ciphertext, record_version from users where id = ${userId}`.execute(trx);
  return r.rows[0] ? openUserEmail(trx, vault, workspaceId, r.rows[0]) : 'a former member';
}

export async function workspaceName(hooks: Pick<Hooks, 'one'>, trx: Trx, workspaceId: string): Promise<string> {
  return (await workspaceFacts(hooks, trx, workspaceId))?.name ?? 'your workspace';
}

/**
 * Mails every active owner (role changes, removals, new tokens): THREATS.md
 * wants owners told, so a compromised admin cannot quietly widen access.
 */
export async function notifyOwners(trx: Trx, vault: MemberVault, workspaceId: string, subject: string, text: string): Promise<number> {
  const r = await sql<MemberRow>`select ${MEMBER_COLUMNS} from users where role = 'owner' and status = 'active'`.execute(trx);
  if (r.rows.length === 0) return 0;
  // One after the other: a transaction's queries share one connection.
  const to: string[] = [];
  for (const row of r.rows) to.push(await openUserEmail(trx, vault, workspaceId, row));
  await queueMail(trx, vault, { workspaceId, subjectId: null, to, subject, text });
  return to.length;
}
