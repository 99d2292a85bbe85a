/**
 * The workspace settings other modules act on, read for them here so only
 * this module names the workspaces table: contacts normalize phone numbers
 * with the default country and narrow what sales members see.
 */
import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

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
