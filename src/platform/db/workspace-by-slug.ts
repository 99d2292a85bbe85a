import { sql } from 'kysely';
import type { Database } from './database.js';

/** A workspace's id from its slug, across workspaces (an operator's lookup, through a SECURITY DEFINER function); throws when none. */
export async function workspaceIdBySlug(db: Database, slug: string): Promise<string> {
  const r = await db.withSystem((trx) => sql<{ id: string }>`select id from confidant_workspace_by_slug(${slug})`.execute(trx));
  const id = r.rows[0]?.id;
  if (!id) throw new Error(`no workspace with slug ${slug}`);
  return id;
}
