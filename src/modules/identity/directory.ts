/**
 * What other modules may learn of members and tokens: who acted (their
 * labels, for the notices and mail reads and exports send), who holds a role
 * (whom to tell), and whether an id is a member (the owner given to a contact
 * or a company must be one). Identity owns `users` and `api_tokens`; other
 * modules ask here instead of naming those tables.
 */
import { sql } from 'kysely';
import type { Role } from '../../kernel/access.js';
import type { AuthState } from '../../kernel/auth.js';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { memberEmail } from './auth/auth-common.js';

/** Who acted, in words owners recognise. Holds an email: only for sealed mail, never for a notice row or a log. */
export interface ActorLabels {
  /** The member's email ('A member' when it cannot be read); null when no member acted (a token the operator made). */
  member: string | null;
  /** The name of the token that acted (its id once the row is gone); null when no token did (a session). */
  token: string | null;
}

/** The labels of the actor of a request: the member behind it (a token's maker too) and the token, if one was used. */
export async function actorLabels(ctx: AppContext, trx: Trx, auth: AuthState): Promise<ActorLabels> {
  const member = auth.userId ? ((await memberEmail(ctx, trx, auth.workspaceId, auth.userId)) ?? 'A member') : null;
  if (auth.kind !== 'token' || !auth.tokenId) return { member, token: null };
  const r = await sql<{ name: string }>`select name from api_tokens where id = ${auth.tokenId}`.execute(trx);
  return { member, token: r.rows[0]?.name ?? auth.tokenId };
}

/** A member to tell: the mail goes to their email, one each (null when it cannot be read: a notice only). */
export interface Recipient {
  userId: string;
  workspaceId: string;
  email: string | null;
}

/** Every active member of the transaction's workspace holding one of `roles`, in id order. */
export async function membersWithRoles(ctx: AppContext, trx: Trx, roles: readonly Role[]): Promise<Recipient[]> {
  const r = await sql<{ id: string; workspace_id: string }>`
    select id, confidant_current_workspace()::text as workspace_id from users
    where role = any(${[...roles]}::text[]) and status = 'active' order by id`.execute(trx);
  const out: Recipient[] = [];
  // One after the other: a transaction's queries share one connection.
  for (const row of r.rows) out.push({ userId: row.id, workspaceId: row.workspace_id, email: await memberEmail(ctx, trx, row.workspace_id, row.id) });
  return out;
}

/** Whether `userId` is a member of the workspace (one primary-key read). */
export async function isMember(trx: Trx, workspaceId: string, userId: string): Promise<boolean> {
  const r = await trx.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('id', '=', userId).executeTakeFirst();
  return r !== undefined;
}
