import { Secret, TOTP } from 'otpauth';
import { sql } from 'kysely';
import type { Hooks } from '../../../kernel/hooks.js';
import type { SealTarget } from '../../../platform/crypto/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { ROLES_REQUIRING_2FA } from '../members/permissions.js';
import { verifyPassword } from '../members/users.js';
import type { Role } from '../../../kernel/access.js';
import { workspaceFacts } from '../workspace-facts.js';

/**
 * TOTP (RFC 6238) as Confidant uses it: SHA-1, 6 digits, 30-second steps
 * (what every authenticator app understands), ±1 step of clock drift, and
 * each step accepted once per member (users.totp_last_step).
 */
export const TOTP_ISSUER = 'Confidant';
const PERIOD_SECONDS = 30;
const DIGITS = 6;
const WINDOW = 1;
/** 160 bits, RFC 4226's recommended secret length for HMAC-SHA-1. */
const SECRET_BYTES = 20;

/** The vault calls 2FA needs (src/platform/crypto Vault satisfies it). */
export interface TotpVault {
  seal(trx: Trx, target: SealTarget, plaintext: Uint8Array | string): Promise<Buffer>;
  open(trx: Trx, target: SealTarget, ciphertext: Buffer): Promise<Uint8Array>;
}

export type TotpColumn = 'totp_secret' | 'totp_pending';

/** Where a sealed TOTP secret lives; the version moves on with each enrolment. */
export function totpTarget(workspaceId: string, userId: string, column: TotpColumn, version: number): SealTarget {
  return { workspaceId, subjectId: null, table: 'users', rowId: userId, column, recordVersion: version };
}

export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

export function totpOf(secretBase32: string, label = 'member'): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The time step a code was made for, or null when it matches none within ±1 step. */
export function matchingStep(secretBase32: string, code: string, now: Date): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secretBase32).validate({ token, timestamp: now.getTime(), window: WINDOW });
  // validate() answers 0 for the current step: only null means "no match".
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

/** What 2FA reads of a member, nothing decrypted. */
export interface TotpUserRow {
  id: string;
  role: Role;
  password_hash: string;
  totp_secret: Buffer | null;
  totp_enrolled_at: Date | null;
  totp_last_step: string | null;
  totp_version: number;
  totp_pending: Buffer | null;
  totp_pending_at: Date | null;
}

/** The member's row, locked: concurrent enrolments, challenges and resets queue behind each other. */
export async function lockTotpUser(trx: Trx, userId: string): Promise<TotpUserRow | null> {
  const r = await sql<TotpUserRow>`
    select id, role, password_hash, totp_secret, totp_enrolled_at, totp_last_step::text as totp_last_step,
           totp_version, totp_pending, totp_pending_at
    from users where id = ${userId} and status = 'active' for update`.execute(trx);
  return r.rows[0] ?? null;
}

export async function openTotpSecret(trx: Trx, vault: TotpVault, workspaceId: string, row: TotpUserRow): Promise<string | null> {
  if (!row.totp_secret || !row.totp_enrolled_at) return null;
  const plain = await vault.open(trx, totpTarget(workspaceId, row.id, 'totp_secret', row.totp_version), row.totp_secret);
  return Buffer.from(plain).toString('utf8');
}

export type CodeOutcome = 'ok' | 'wrong' | 'replay';

/**
 * Checks a code against a secret and, when it matches, records its step so
 * that neither it nor an earlier step is accepted again. The update is
 * conditional, so two requests racing with one code cannot both pass.
 */
export async function acceptTotpStep(trx: Trx, userId: string, secretBase32: string, code: string, now: Date): Promise<CodeOutcome> {
  const step = matchingStep(secretBase32, code, now);
  if (step === null) return 'wrong';
  const r = await sql`update users set totp_last_step = ${step}
    where id = ${userId} and (totp_last_step is null or totp_last_step < ${step})`.execute(trx);
  return Number(r.numAffectedRows ?? 0) === 1 ? 'ok' : 'replay';
}

/** The enrolled member's current code, checked and used up. */
export async function checkEnrolledCode(
  trx: Trx,
  vault: TotpVault,
  workspaceId: string,
  row: TotpUserRow,
  code: string,
  now: Date,
): Promise<CodeOutcome> {
  const secret = await openTotpSecret(trx, vault, workspaceId, row);
  if (!secret) return 'wrong';
  return acceptTotpStep(trx, row.id, secret, code, now);
}

export type ReauthOutcome = CodeOutcome | 'password';

/**
 * Password and a current code, for changing or removing the second factor:
 * a stolen session alone must not be able to swap the factor out. The code
 * is only checked (and its step used up) once the password is right.
 */
export async function reauthenticate(
  trx: Trx,
  vault: TotpVault,
  workspaceId: string,
  row: TotpUserRow,
  input: { password: string; code: string },
  now: Date,
): Promise<ReauthOutcome> {
  const passwordOk = await verifyPassword(row.password_hash, input.password).catch(() => false);
  if (!passwordOk) return 'password';
  return checkEnrolledCode(trx, vault, workspaceId, row, input.code, now);
}

/** Whether this member must keep 2FA: by role, or because the workspace requires it of all. */
export async function totpRequired(trx: Trx, hooks: Pick<Hooks, 'one'>, workspaceId: string, role: Role): Promise<boolean> {
  if (ROLES_REQUIRING_2FA.has(role)) return true;
  return (await workspaceFacts(hooks, trx, workspaceId))?.require2faForAll ?? false;
}

/** Removes the second factor and any pending enrolment (disable, reset). Recovery codes go separately. */
export async function clearTotp(trx: Trx, userId: string): Promise<void> {
  await sql`update users set totp_secret = null, totp_enrolled_at = null, totp_pending = null, totp_pending_at = null
    where id = ${userId}`.execute(trx);
}

/** The member's email, decrypted (for the otpauth label and notices). */
export async function memberEmail(trx: Trx, vault: TotpVault, workspaceId: string, userId: string): Promise<string | null> {
  const r = await sql<{ email_ciphertext: Buffer; record_version: number }>`
    select email_ciphertext, record_version from users where id = ${userId}`.execute(trx);
  const row = r.rows[0];
  if (!row) return null;
  const target: SealTarget = { workspaceId, subjectId: null, table: 'users', rowId: userId, column: 'email', recordVersion: row.record_version };
  return Buffer.from(await vault.open(trx, target, row.email_ciphertext)).toString('utf8');
}
