/**
 * What other modules ask identity about a workspace's members (the owner
 * given to a contact or a company must be one): they call this rather than
 * read the users table, which only identity names.
 */
import type { Trx } from '../../platform/db/database.js';

/** Whether `userId` is a member of the workspace (one primary-key read). */
export async function isMember(trx: Trx, workspaceId: string, userId: string): Promise<boolean> {
  const r = await trx.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('id', '=', userId).executeTakeFirst();
  return r !== undefined;
}
