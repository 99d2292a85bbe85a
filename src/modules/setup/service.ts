import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { forbidden } from '../../platform/errors.js';
import { createWorkspace, workspaceCount, type CreatedWorkspace, type WorkspaceDeps } from '../workspaces/index.js';

/** 256 random bits, base64url: far past guessing, short enough for a URL fragment. */
export function newSetupToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this digest is stored, so a copy of the database cannot open setup. */
export function hashSetupToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export async function isSetupOpen(db: Database): Promise<boolean> {
  return db.withSystem(async (trx) => (await workspaceCount(trx)) === 0);
}

/**
 * Makes the one setup token while no workspace exists (replacing any earlier
 * one, so only the link printed last works). Null once setup is over.
 */
export async function issueSetupToken(db: Database): Promise<string | null> {
  const token = newSetupToken();
  const issued = await db.withSystem(async (trx) => {
    const r = await sql<{ ok: boolean }>`select confidant_setup_token_issue(${hashSetupToken(token)}) as ok`.execute(trx);
    return r.rows[0]?.ok === true;
  });
  return issued ? token : null;
}

async function consumeSetupToken(trx: Trx, token: string): Promise<void> {
  const r = await sql<{ ok: boolean }>`select confidant_setup_token_consume(${hashSetupToken(token)}) as ok`.execute(trx);
  // One answer for a wrong, used or late token: the caller learns nothing more.
  if (r.rows[0]?.ok !== true) {
    throw forbidden('This setup link is not valid, or setup is already done.', 'setup-closed');
  }
}

export interface SetupRequest {
  token: string;
  workspaceName: string;
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
}

/** The first workspace and its owner; the token is spent in the same transaction. */
export async function completeSetup(deps: WorkspaceDeps, request: SetupRequest, now: Date): Promise<CreatedWorkspace> {
  return createWorkspace(deps, {
    name: request.workspaceName,
    slug: request.slug,
    ownerEmail: request.ownerEmail,
    ownerPassword: request.ownerPassword,
    now,
    via: 'setup',
    guard: (trx) => consumeSetupToken(trx, request.token),
  });
}
