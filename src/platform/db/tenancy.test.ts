import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';

let t: TestDatabase;
const a = randomUUID();
const b = randomUUID();

async function makeWorkspace(id: string, slug: string): Promise<void> {
  await t.db.withWorkspace(id, (trx) =>
    sql`insert into workspaces (id, slug, name) values (${id}, ${slug}, ${slug})`.execute(trx),
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
  await makeWorkspace(a, `a-${a.slice(0, 8)}`);
  await makeWorkspace(b, `b-${b.slice(0, 8)}`);
});
afterAll(async () => {
  await t.drop();
});

describe('tenancy', () => {
  it('a query outside a workspace sees no tenant rows', async () => {
    const rows = await t.db.withSystem((trx) => sql<{ id: string }>`select id from workspaces`.execute(trx));
    expect(rows.rows).toEqual([]);
  });

  it('a forgotten filter still shows only the current workspace', async () => {
    const rows = await t.db.withWorkspace(a, (trx) => sql<{ id: string }>`select id from workspaces`.execute(trx));
    expect(rows.rows.map((r) => r.id)).toEqual([a]);
  });

  it("workspace A cannot change or create B's rows", async () => {
    const updated = await t.db.withWorkspace(a, (trx) =>
      sql`update workspaces set name = 'pwned' where id = ${b}`.execute(trx),
    );
    expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
    const c = randomUUID();
    await expect(
      t.db.withWorkspace(a, (trx) => sql`insert into workspaces (id, slug, name) values (${c}, 'x-c', 'c')`.execute(trx)),
    ).rejects.toThrow(/row-level security/);
    const name = await t.db.withWorkspace(b, (trx) =>
      sql<{ name: string }>`select name from workspaces where id = ${b}`.execute(trx),
    );
    expect(name.rows[0]?.name).not.toBe('pwned');
  });

  it('concurrent transactions of two workspaces never see each other', async () => {
    const seen = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const ws = i % 2 === 0 ? a : b;
        return t.db.withWorkspace(ws, async (trx) => {
          await sql`select pg_sleep(0.001)`.execute(trx);
          const r = await sql<{ id: string }>`select id from workspaces`.execute(trx);
          return { ws, ids: r.rows.map((x) => x.id) };
        });
      }),
    );
    for (const s of seen) expect(s.ids).toEqual([s.ws]);
  });

  it('the slug lookup crosses workspaces only through its definer function', async () => {
    const r = await t.db.withSystem((trx) =>
      sql<{ id: string }>`select id from confidant_workspace_by_slug(${`b-${b.slice(0, 8)}`})`.execute(trx),
    );
    expect(r.rows.map((x) => x.id)).toEqual([b]);
  });
});

