import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { auditCode, auditId, recordAuditMany, type AuditEventInput } from '../../../platform/audit/index.js';
import type { Trx } from '../../../platform/db/database.js';
import { newSecret, secretHash } from '../auth/sessions.js';

/** API tokens read as what they are in logs and secret scanners: `cfd_` + 256 random bits. */
export const TOKEN_PREFIX = 'cfd_';
export const DEFAULT_TOKEN_DAYS = 90;

export interface NewApiToken {
  workspaceId: string;
  name: string;
  scopes: readonly string[];
  /** The member who made it, or null for the operator (CLI). */
  createdBy: string | null;
  now: Date;
  expiresAt?: Date;
}

export interface IssuedToken {
  id: string;
  /** Shown once; stored only as its SHA-256. */
  token: string;
  expiresAt: Date;
}

export async function insertApiToken(trx: Trx, input: NewApiToken): Promise<IssuedToken> {
  const id = randomUUID();
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  const expiresAt = input.expiresAt ?? new Date(input.now.getTime() + DEFAULT_TOKEN_DAYS * 86_400_000);
  await sql`
    insert into api_tokens (workspace_id, id, name, token_hash, scopes, created_by, created_at, expires_at)
    values (${input.workspaceId}, ${id}, ${input.name}, ${secretHash(token)}, ${[...input.scopes]}::text[],
            ${input.createdBy}, ${input.now}, ${expiresAt})`.execute(trx);
  return { id, token, expiresAt };
}

/** Why a member's tokens went with something else that changed (the `reason` of each `token.revoked` event). */
export type TokenRevocationReason = 'role_changed' | 'member_removed' | 'totp_reset' | 'totp_disabled';

/**
 * Revokes every live token a member made (removal, role change, 2FA reset or
 * turned off), one `token.revoked` event each, so the trail shows which
 * tokens died and why. A token was minted by a member who had passed 2FA in
 * their role at the time: what changes either ends it.
 */
export async function revokeTokensMadeBy(
  trx: Trx,
  userId: string,
  now: Date,
  audit: { actor: AuditEventInput['actor']; requestId: string | null; reason: TokenRevocationReason },
): Promise<number> {
  const r = await sql<{ id: string }>`update api_tokens set revoked_at = ${now}
    where created_by = ${userId} and revoked_at is null returning id`.execute(trx);
  await recordAuditMany(trx, r.rows.map(({ id }) => ({
    action: 'token.revoked' as const,
    actor: audit.actor,
    details: { tokenId: auditId(id), reason: auditCode(audit.reason), madeBy: auditId(userId) },
    requestId: audit.requestId,
  })));
  return r.rows.length;
}
