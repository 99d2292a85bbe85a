import type { Insertable, Selectable } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';

export interface UsersTable {
  workspace_id: string;
  id: string;
  email_ciphertext: Buffer;
  email_bidx: Buffer;
  password_hash: string;
  role: string;
  record_version: number;
  created_at: Date;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    users: UsersTable;
  }
}

export type UserRow = Selectable<UsersTable>;

export async function insertUserRow(trx: Trx, row: Insertable<UsersTable>): Promise<void> {
  await trx.insertInto('users').values(row).execute();
}

export async function userRowsByEmailIndex(
  trx: Trx,
  workspaceId: string,
  indexes: readonly Buffer[],
): Promise<Array<Pick<UserRow, 'id' | 'email_ciphertext' | 'role' | 'record_version'>>> {
  if (indexes.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'email_ciphertext', 'role', 'record_version'])
    .where('workspace_id', '=', workspaceId)
    .where('email_bidx', 'in', [...indexes])
    .orderBy('created_at')
    .execute();
}

export async function userEmailRows(
  trx: Trx,
  workspaceId: string,
): Promise<Array<Pick<UserRow, 'id' | 'email_ciphertext' | 'record_version'>>> {
  return trx
    .selectFrom('users')
    .select(['id', 'email_ciphertext', 'record_version'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export async function updateUserEmailIndex(trx: Trx, workspaceId: string, userId: string, emailBidx: Buffer): Promise<void> {
  await trx.updateTable('users').set({ email_bidx: emailBidx }).where('workspace_id', '=', workspaceId).where('id', '=', userId).execute();
}
