import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';

/**
 * Tables that are not tenant tables. Each is reachable by the app only through
 * SECURITY DEFINER functions (or not at all), which the second test checks.
 * Adding a table here is a design decision: say why in its migration.
 */
export const NON_TENANT_TABLES = new Set<string>(['schema_migrations', 'jobs', 'setup_tokens', 'auth_throttle']);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

interface TableInfo {
  name: string;
  rls: boolean;
  force: boolean;
  has_workspace_id: boolean;
  first_column: string;
  pk: string[] | null;
}

async function tables(): Promise<TableInfo[]> {
  return asOwner<TableInfo>(
    t,
    `select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as force,
       exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped) as has_workspace_id,
       (select a.attname from pg_attribute a where a.attrelid = c.oid and a.attnum = 1) as first_column,
       (select array_agg(a.attname::text order by k.ord) from pg_constraint p
          cross join lateral unnest(p.conkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where p.conrelid = c.oid and p.contype = 'p') as pk
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p')
     order by c.relname`,
  );
}

async function tenancyProblems(): Promise<string[]> {
  const problems: string[] = [];
  for (const tbl of await tables()) {
      if (NON_TENANT_TABLES.has(tbl.name)) continue;
      if (!tbl.rls || !tbl.force) problems.push(`${tbl.name}: row-level security not enabled and forced`);
      if (tbl.name === 'workspaces') continue; // the registry: its RLS column is id
      if (!tbl.has_workspace_id) problems.push(`${tbl.name}: no workspace_id column`);
      else if (tbl.first_column !== 'workspace_id') problems.push(`${tbl.name}: workspace_id is not the first column`);
      if (tbl.pk && tbl.pk[0] !== 'workspace_id') problems.push(`${tbl.name}: primary key does not start with workspace_id`);
  }
  return problems;
}

describe('schema rules (DESIGN.md data rule 1)', () => {
  it('every tenant table starts with workspace_id, keys on it, and forces RLS', async () => {
    expect(await tenancyProblems()).toEqual([]);
  });

  it('the check itself catches a table without workspace_id, RLS or FORCE', async () => {
    await asOwner(t, `create table zz_no_tenancy (id uuid primary key)`);
    await asOwner(t, `create table zz_no_force (workspace_id uuid not null, id uuid, primary key (workspace_id, id))`);
    await asOwner(t, `alter table zz_no_force enable row level security`);
    try {
      const problems = await tenancyProblems();
      expect(problems).toContain('zz_no_tenancy: row-level security not enabled and forced');
      expect(problems).toContain('zz_no_tenancy: no workspace_id column');
      expect(problems).toContain('zz_no_force: row-level security not enabled and forced');
    } finally {
      await asOwner(t, `drop table zz_no_tenancy, zz_no_force`);
    }
  });

  it('every tenant foreign key includes workspace_id', async () => {
    const fks = await asOwner<{ tbl: string; name: string; cols: string[] }>(
      t,
      `select c.relname as tbl, p.conname as name,
         (select array_agg(a.attname::text) from unnest(p.conkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k) as cols
       from pg_constraint p join pg_class c on c.oid = p.conrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and p.contype = 'f'`,
    );
    const bad = fks.filter((f) => !NON_TENANT_TABLES.has(f.tbl) && !f.cols.includes('workspace_id') && f.tbl !== 'workspaces');
    expect(bad.map((f) => `${f.tbl}.${f.name}`)).toEqual([]);
  });

  it('the app role has no direct privilege on non-tenant tables', async () => {
    const grants = await asOwner<{ table_name: string; privilege_type: string }>(
      t,
      `select table_name, privilege_type from information_schema.role_table_grants
       where grantee = 'confidant_app' and table_schema = 'public'`,
    );
    const leaked = grants.filter((g) => NON_TENANT_TABLES.has(g.table_name));
    expect(leaked).toEqual([]);
  });

  it('every SECURITY DEFINER function pins its search_path and is not owned by the app', async () => {
    const fns = await asOwner<{ name: string; owner: string; config: string[] | null }>(
      t,
      `select p.proname as name, pg_get_userbyid(p.proowner) as owner, p.proconfig as config
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.prosecdef`,
    );
    expect(fns.length).toBeGreaterThan(0);
    for (const f of fns) {
      expect(f.config?.some((c) => c.startsWith('search_path=')), `${f.name} pins search_path`).toBe(true);
      expect(f.owner, `${f.name} owner`).not.toBe('confidant_app');
    }
  });

  it('the app cannot create tables of its own', async () => {
    await expect(
      t.db.withSystem((trx) => sql`create table sneaky (x int)`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });
});
