import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { WorkspaceFacts } from '../identity/index.js';

/**
 * Identity's `identity.workspace` hook: what it needs of a workspace (mails,
 * the otpauth label, sign-in and invitation checks, required 2FA), read in
 * the caller's transaction, so row-level security decides what it sees.
 */
export async function workspaceFacts(trx: Trx, workspaceId: string): Promise<WorkspaceFacts | null> {
  const r = await sql<{ name: string; slug: string; status: string; require_2fa_for_all: boolean }>`
    select name, slug, status, coalesce((settings ->> 'require2faForAll')::boolean, false) as require_2fa_for_all
    from workspaces where id = ${workspaceId}`.execute(trx);
  const row = r.rows[0];
  return row ? { name: row.name, slug: row.slug, status: row.status, require2faForAll: row.require_2fa_for_all } : null;
}
