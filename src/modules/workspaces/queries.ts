import { sql, type Generated } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export interface WorkspacesTable {
  id: string;
  slug: string;
  name: string;
  status: Generated<'active' | 'closing'>;
  settings: Generated<unknown>;
  created_at: Generated<Date>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    workspaces: WorkspacesTable;
  }
}

export async function workspaceCount(trx: Trx): Promise<number> {
  const r = await sql<{ n: number | string }>`select confidant_workspace_count() as n`.execute(trx);
  return Number(r.rows[0]?.n ?? 0);
}

export async function insertWorkspace(trx: Trx, row: { id: string; slug: string; name: string; createdAt: Date }): Promise<void> {
  await trx
    .insertInto('workspaces')
    .values({ id: row.id, slug: row.slug, name: row.name, created_at: row.createdAt })
    .execute();
}

/** Crosses workspaces through the definer function: the caller's workspace is not set yet. */
export async function workspaceBySlug(trx: Trx, slug: string): Promise<{ id: string } | null> {
  const r = await sql<{ id: string }>`select id from confidant_workspace_by_slug(${slug})`.execute(trx);
  return r.rows[0] ?? null;
}

/** Setup is over once any workspace exists: a leftover setup token is dropped with it. */
export async function clearSetupToken(trx: Trx): Promise<void> {
  await sql`select confidant_setup_token_clear()`.execute(trx);
}
