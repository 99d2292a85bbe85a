import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';

// PostgreSQL only (this file runs in the `postgres` project): the app connects
// as its own unprivileged login role, which PGlite cannot give.
let t: TestDatabase;
const a = randomUUID();
const b = randomUUID();

beforeAll(async () => {
  t = await createTestDatabase();
  for (const id of [a, b]) {
    await t.db.withWorkspace(id, (trx) =>
      sql`insert into workspaces (id, slug, name) values (${id}, ${`w-${id.slice(0, 8)}`}, 'w')`.execute(trx),
    );
  }
});
afterAll(async () => {
  await t.drop();
});

describe('tenancy on PostgreSQL', () => {
  it('the app role is not superuser, owns nothing, and cannot bypass RLS', async () => {
    const r = await t.db.withSystem((trx) =>
      sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; usr: string; owns: number }>`
        select r.rolsuper, r.rolbypassrls, r.rolcreaterole, session_user as usr,
          (select count(*)::int from pg_class c where c.relowner = r.oid) as owns
        from pg_roles r where r.rolname = session_user`.execute(trx),
    );
    expect(r.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, usr: 'confidant_app', owns: 0 });
  });

  it('RESET ROLE inside an app transaction still sees nothing of B', async () => {
    const ids = await t.db.withWorkspace(a, async (trx) => {
      await sql`reset role`.execute(trx);
      return (await sql<{ id: string }>`select id from workspaces`.execute(trx)).rows.map((x) => x.id);
    });
    expect(ids).toEqual([a]);
  });

  it('SET ROLE to the owner or a definer role is refused to the app', async () => {
    for (const role of ['postgres', 'confidant_definer', 'confidant_chainer']) {
      await expect(
        t.db.withWorkspace(a, (trx) => sql.raw(`set local role ${role}`).execute(trx)),
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('migrations ran as a different role than the app', async () => {
    const c = new pg.Client({ connectionString: t.ownerUrl ?? '' });
    await c.connect();
    const r = await c.query<{ owner: string }>(
      `select pg_get_userbyid(relowner) as owner from pg_class where relname = 'workspaces'`,
    );
    await c.end();
    expect(r.rows[0]?.owner).not.toBe('confidant_app');
  });
});
