/**
 * The workspace settings other modules act on, read for them here so only
 * this module names the workspaces table: contacts normalize phone numbers
 * with the default country and narrow what sales members see; identity gets
 * what it needs of a workspace through its `identity.workspace` hook.
 */
import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { WorkspaceFacts } from '../identity/index.js';

/** The workspace's default phone country (ISO 3166 alpha-2), or null. */
export async function defaultPhoneCountry(trx: Trx, workspaceId: string): Promise<string | null> {
  const r = await sql<{ c: string | null }>`select settings->>'defaultCountry' as c from workspaces where id = ${workspaceId}`.execute(trx);
  const c = r.rows[0]?.c ?? null;
  return c && /^[A-Z]{2}$/.test(c) ? c : null;
}

/** Whether members of role sales see only their own contacts (setting recordVisibility.sales). */
export async function salesSeeOwnOnly(trx: Trx, workspaceId: string): Promise<boolean> {
  const r = await sql<{ v: string | null }>`select settings->'recordVisibility'->>'sales' as v from workspaces where id = ${workspaceId}`.execute(trx);
  return r.rows[0]?.v === 'own';
}

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
