import { sql } from 'kysely';
import type { Hooks } from '../../../kernel/hooks.js';
import type { Trx } from '../../../platform/db/database.js';
import { workspaceFacts } from '../workspace-facts.js';
import type { SessionStage } from './sessions.js';
import type { Role } from '../../../kernel/access.js';

/** The SQL of sign-in, password change and password reset (routes and services build none). */

export async function workspaceBySlug(trx: Trx, slug: string): Promise<{ id: string; status: string } | null> {
  const r = await sql<{ id: string; status: string }>`select id, status from confidant_workspace_by_slug(${slug})`.execute(trx);
  return r.rows[0] ?? null;
}

export interface SignInRow {
  id: string;
  role: Role;
  status: string;
  password_hash: string;
  totp_enrolled: boolean;
  require_2fa_for_all: boolean;
}

/** What sign-in decides with, for a member found by email (RLS keeps it in the workspace). */
export async function signInRow(trx: Trx, hooks: Pick<Hooks, 'one'>, userId: string): Promise<SignInRow | null> {
  const r = await sql<Omit<SignInRow, 'require_2fa_for_all'> & { workspace_id: string }>`
    select u.id, u.role, u.status, u.password_hash, u.totp_enrolled_at is not null as totp_enrolled, u.workspace_id
    from users u
    where u.id = ${userId}`.execute(trx);
  const row = r.rows[0];
  if (!row) return null;
  // The member's own workspace (the old inner join): none seen, no row.
  const ws = await workspaceFacts(hooks, trx, row.workspace_id);
  if (!ws) return null;
  return { ...row, require_2fa_for_all: ws.require2faForAll };
}

export async function passwordHashOf(trx: Trx, userId: string): Promise<string | null> {
  const r = await sql<{ password_hash: string }>`select password_hash from users where id = ${userId} and status = 'active'`.execute(trx);
  return r.rows[0]?.password_hash ?? null;
}

export async function setPasswordHash(trx: Trx, userId: string, passwordHash: string): Promise<void> {
  await sql`update users set password_hash = ${passwordHash} where id = ${userId}`.execute(trx);
}

export async function markSeen(trx: Trx, userId: string, now: Date): Promise<void> {
  await sql`update users set last_seen_at = ${now} where id = ${userId}`.execute(trx);
}

export async function emailRowOf(trx: Trx, userId: string): Promise<{ email_ciphertext: Buffer; record_version: number } | null> {
  const r = await sql<{ email_ciphertext: Buffer; record_version: number }>`
    select email_ciphertext, record_version from users where id = ${userId}`.execute(trx);
  return r.rows[0] ?? null;
}

/** A cookie's session, in whichever workspace it lives (the definer lookup crosses them). */
export async function sessionByTokenHash(trx: Trx, tokenHash: Buffer): Promise<{ workspace_id: string; session_id: string } | null> {
  const r = await sql<{ workspace_id: string; session_id: string }>`
    select workspace_id, session_id from confidant_session_lookup(${tokenHash})`.execute(trx);
  return r.rows[0] ?? null;
}

export async function endUserSession(trx: Trx, userId: string, sessionId: string): Promise<boolean> {
  const r = await sql`delete from sessions where id = ${sessionId} and user_id = ${userId}`.execute(trx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export async function sessionStageOf(trx: Trx, sessionId: string): Promise<SessionStage | null> {
  const r = await sql<{ stage: SessionStage }>`select stage from sessions where id = ${sessionId}`.execute(trx);
  return r.rows[0]?.stage ?? null;
}

export async function insertPasswordReset(
  trx: Trx,
  row: { workspaceId: string; id: string; userId: string; tokenHash: Buffer; now: Date; expiresAt: Date },
): Promise<void> {
  await sql`
    insert into password_resets (workspace_id, id, user_id, token_hash, created_at, expires_at)
    values (${row.workspaceId}, ${row.id}, ${row.userId}, ${row.tokenHash}, ${row.now}, ${row.expiresAt})`.execute(trx);
}

/** Forgets a member's outstanding links: only the newest works, and none after a change. */
export async function deletePasswordResets(trx: Trx, userId: string): Promise<void> {
  await sql`delete from password_resets where user_id = ${userId}`.execute(trx);
}

export async function passwordResetByTokenHash(trx: Trx, tokenHash: Buffer): Promise<{ workspace_id: string; reset_id: string } | null> {
  const r = await sql<{ workspace_id: string; reset_id: string }>`
    select workspace_id, reset_id from confidant_password_reset_lookup(${tokenHash})`.execute(trx);
  return r.rows[0] ?? null;
}

/**
 * Uses a link once: the conditional update is what makes it single-use even
 * when two requests race with the same token. Returns the member, or null.
 */
export async function consumePasswordReset(trx: Trx, resetId: string, now: Date): Promise<string | null> {
  const r = await sql<{ user_id: string }>`
    update password_resets set used_at = ${now}
    where id = ${resetId} and used_at is null and expires_at > ${now}
    returning user_id`.execute(trx);
  return r.rows[0]?.user_id ?? null;
}
