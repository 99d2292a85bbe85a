/** Who may see which contact: record visibility (workspace setting) on top of permissions. */
import type { Trx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import type { AuthState } from '../identity/auth-hook.js';
import { contactRowsByIds, salesSeeOwnOnly, type ContactRow } from './queries.js';

/**
 * The owner a request is limited to: a `sales` member (or their token) sees
 * only contacts they own when the workspace says 'own'. Undefined: no limit.
 */
export async function ownerScope(trx: Trx, auth: AuthState): Promise<string | null | undefined> {
  if (auth.role !== 'sales') return undefined;
  return (await salesSeeOwnOnly(trx, auth.workspaceId)) ? auth.userId : undefined;
}

/** The contact's row if this request may see it; else 404 (never saying whether it exists). */
export async function visibleRow(trx: Trx, auth: AuthState, id: string): Promise<ContactRow> {
  const [row] = await contactRowsByIds(trx, auth.workspaceId, [id]);
  const owner = await ownerScope(trx, auth);
  if (!row || (owner !== undefined && (owner === null || row.owner_id !== owner))) throw notFound('No such contact.');
  return row;
}
