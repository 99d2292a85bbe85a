import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { Trx } from '../../../platform/db/database.js';
import type { FieldError } from '../../../platform/errors.js';
import { validationFailed } from '../../../platform/errors.js';
import type { UserVault } from './users-vault.js';
import { insertUserRow, updateUserEmailIndex, userEmailRows, userRowsByEmailIndex } from './users-queries.js';

export type { UserVault } from './users-vault.js';

import type { Role } from '../../../kernel/access.js';

/** NIST SP 800-63B: a length floor and a blocklist, no composition rules. */
export const MIN_PASSWORD_LENGTH = 12;
/** argon2 hashes whatever it is given; a bound keeps one request from costing more than another. */
export const MAX_PASSWORD_LENGTH = 1024;

/** OWASP's argon2id minimum (m=19 MiB, t=2, p=1): ≈ 57 ms here. */
const ARGON2ID = 2 as Algorithm;
const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** The blind index the users table keeps its email under. */
export const EMAIL_INDEX = 'users.email';

/** API.md's normalization: trimmed, NFC, lower-cased as a whole. It feeds the blind index. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

let commonPasswords: ReadonlySet<string> | null = null;

/**
 * The 10,000 most common passwords (common-passwords.txt, its first line names
 * the source). Compared lower-cased, as the list is: "QWERTY123456" is as weak as "qwerty123456".
 */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    fs
      .readFileSync(new URL('../auth/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords.has(password.toLowerCase());
}

export function passwordProblems(password: string, path = 'password'): FieldError[] {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return [{ path, message: `Use at least ${MIN_PASSWORD_LENGTH} characters.` }];
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return [{ path, message: `Use at most ${MAX_PASSWORD_LENGTH} characters.` }];
  }
  if (isCommonPassword(password)) {
    return [{ path, message: 'This password is among the most common ones; choose another.' }];
  }
  return [];
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

export interface NewUser {
  workspaceId: string;
  email: string;
  password: string;
  role: Role;
  now: Date;
}

export interface UserIdentity {
  id: string;
  workspaceId: string;
  role: Role;
}

function sealContext(workspaceId: string, userId: string, recordVersion: number) {
  return { workspaceId, subjectId: null, table: 'users', rowId: userId, column: 'email', recordVersion };
}

/**
 * The member with this email, if any. The blind index is truncated, so other
 * members can share it: each candidate is decrypted and compared.
 */
export async function findUserByEmail(
  trx: Trx,
  vault: UserVault,
  workspaceId: string,
  email: string,
): Promise<UserIdentity | null> {
  const normalized = normalizeEmail(email);
  const indexes = await vault.blindIndexCandidates(trx, workspaceId, EMAIL_INDEX, normalized);
  for (const row of await userRowsByEmailIndex(trx, workspaceId, indexes)) {
    const ctx = sealContext(workspaceId, row.id, row.record_version);
    const plain = await vault.open(trx, ctx, row.email_ciphertext);
    if (Buffer.from(plain).toString('utf8') === normalized) {
      return { id: row.id, workspaceId, role: row.role as Role };
    }
  }
  return null;
}

/**
 * Adds a member in the caller's transaction (and workspace). A taken email is
 * a 422 on the email field rather than a 409, so a form can show it in place.
 */
export async function createUser(trx: Trx, vault: UserVault, input: NewUser, emailPath = 'email'): Promise<UserIdentity> {
  const problems = passwordProblems(input.password);
  if (problems.length > 0) throw validationFailed(problems);
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(trx, vault, input.workspaceId, email)) {
    throw validationFailed([{ path: emailPath, message: 'A member with this email already exists.' }]);
  }
  const id = randomUUID();
  const recordVersion = 1;
  // argon2 runs on libuv's pool while the transaction's queries, which share
  // one connection, run one after the other.
  const hashing = hashPassword(input.password);
  const emailCiphertext = await vault.seal(trx, sealContext(input.workspaceId, id, recordVersion), Buffer.from(email, 'utf8'));
  const emailBidx = await vault.blindIndex(trx, input.workspaceId, EMAIL_INDEX, email);
  const passwordHash = await hashing;
  await insertUserRow(trx, {
    workspace_id: input.workspaceId,
    id,
    email_ciphertext: emailCiphertext,
    email_bidx: emailBidx,
    password_hash: passwordHash,
    role: input.role,
    record_version: recordVersion,
    created_at: input.now,
  });
  return { id, workspaceId: input.workspaceId, role: input.role };
}

/**
 * A key rotation re-derives blind-index keys, so each member's email index is
 * recomputed from the decrypted email under the new key (THREATS.md, actor G).
 */
export async function reindexUserEmails(trx: Trx, vault: UserVault, workspaceId: string): Promise<number> {
  const rows = await userEmailRows(trx, workspaceId);
  for (const row of rows) {
    const email = Buffer.from(await vault.open(trx, sealContext(workspaceId, row.id, row.record_version), row.email_ciphertext)).toString('utf8');
    await updateUserEmailIndex(trx, workspaceId, row.id, await vault.blindIndex(trx, workspaceId, EMAIL_INDEX, email));
  }
  return rows.length;
}
