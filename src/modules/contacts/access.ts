/** Who may see which contact: record visibility (workspace setting) on top of permissions. */
import type { Trx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import type { AuthState } from '../../kernel/auth.js';
import { salesSeeOwnOnly } from './deps.js';
import { contactRowsByIds, type ContactRow } from './queries.js';

/**
 * A request's record visibility: undefined sees every contact; a member id
 * sees only the contacts that member owns; null sees none.
 */
export type OwnerScope = string | null | undefined;

/**
 * The owner a request is limited to: a `sales` member (or their token) sees
 * only contacts they own when the workspace says 'own'. Undefined: no limit.
 */
export async function ownerScope(trx: Trx, auth: AuthState): Promise<OwnerScope> {
  if (auth.role !== 'sales') return undefined;
  return (await salesSeeOwnOnly(trx, auth.workspaceId)) ? auth.userId : undefined;
}

/** Whether a contact owned by `ownerId` is visible under `scope`. */
export function canSee(scope: OwnerScope, ownerId: string | null): boolean {
  return scope === undefined || (scope !== null && ownerId === scope);
}

/** The contact's row if this request may see it; else 404 (never saying whether it exists). */
export async function visibleRow(trx: Trx, auth: AuthState, id: string): Promise<ContactRow> {
  const [row] = await contactRowsByIds(trx, auth.workspaceId, [id]);
  if (!row || !canSee(await ownerScope(trx, auth), row.owner_id)) throw notFound('No such contact.');
  return row;
}
