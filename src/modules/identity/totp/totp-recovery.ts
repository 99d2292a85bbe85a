import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';

/** How many codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;
/** 20 base32 characters = 100 bits; the 4-character prefix is stored for lookup, 80 bits stay secret. */
const CODE_CHARS = 20;
const PREFIX_CHARS = 4;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Random base32 text: each byte's low 5 bits pick a character, so every character is uniform. */
function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** xxxx-xxxx-xxxx-xxxx-xxxx: groups of four are easier to copy by hand. */
function format(raw: string): string {
  return raw.match(/.{4}/g)!.join('-');
}

/**
 * What a member typed, reduced to the canonical 20 characters: case, spaces
 * and dashes do not matter. A zero can only have meant the letter o (base32
 * has no 0). Null when it cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const raw = input.toLowerCase().replace(/[\s-]/g, '').replace(/0/g, 'o');
  return raw.length === CODE_CHARS && /^[a-z2-7]+$/.test(raw) ? raw : null;
}

/** SHA-256 over the user id and the code: the same code of two members never hashes alike. */
function codeHash(userId: string, normalized: string): Buffer {
  return createHash('sha256').update(`confidant.recovery.v1:${userId}:${normalized}`, 'utf8').digest();
}

/**
 * A fresh set of codes for a member, replacing any earlier set (a new
 * enrolment invalidates the old codes). Returns them formatted, to be shown once.
 */
export async function replaceRecoveryCodes(trx: Trx, workspaceId: string, userId: string, now: Date): Promise<string[]> {
  await deleteRecoveryCodes(trx, userId);
  const codes: string[] = [];
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    const raw = randomBase32(CODE_CHARS);
    await sql`insert into recovery_codes (workspace_id, id, user_id, prefix, code_hash, created_at)
      values (${workspaceId}, ${randomUUID()}, ${userId}, ${raw.slice(0, PREFIX_CHARS)}, ${codeHash(userId, raw)}, ${now})`.execute(trx);
    codes.push(format(raw));
  }
  return codes;
}

export async function deleteRecoveryCodes(trx: Trx, userId: string): Promise<void> {
  await sql`delete from recovery_codes where user_id = ${userId}`.execute(trx);
}

/**
 * Uses up a recovery code: true when it matched one of the member's unused
 * codes, which is then deleted. Candidates sharing the prefix are compared in
 * constant time; the delete is conditional, so two concurrent uses of one
 * code cannot both succeed.
 */
export async function consumeRecoveryCode(trx: Trx, userId: string, input: string): Promise<boolean> {
  const normalized = normalizeRecoveryCode(input);
  if (!normalized) return false;
  const expected = codeHash(userId, normalized);
  const r = await sql<{ id: string; code_hash: Buffer }>`
    select id, code_hash from recovery_codes where user_id = ${userId} and prefix = ${normalized.slice(0, PREFIX_CHARS)}`.execute(trx);
  let matched: string | null = null;
  for (const row of r.rows) {
    if (row.code_hash.length === expected.length && timingSafeEqual(row.code_hash, expected)) matched = row.id;
  }
  if (!matched) return false;
  const del = await sql`delete from recovery_codes where id = ${matched}`.execute(trx);
  return Number(del.numAffectedRows ?? 0) === 1;
}

export async function remainingRecoveryCodes(trx: Trx, userId: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from recovery_codes where user_id = ${userId}`.execute(trx);
  return r.rows[0]?.n ?? 0;
}
