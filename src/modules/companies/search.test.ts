import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { rotateKeys } from '../../platform/crypto/index.js';
import { testClock } from '../identity/members.test-helper.js';
import { MAX_IN_MEMORY_SORT } from './list.js';
import { createCompanies, type CompanyInput } from './service.js';

const clock = testClock();
let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ now: clock.now });
});
afterAll(async () => {
  await h.close();
});

async function workspace() {
  const ws = await makeWorkspace(h);
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  return { ...ws, owner };
}
type Ws = Awaited<ReturnType<typeof workspace>>;

/** Bulk rows through the service, one transaction, each a millisecond apart. */
async function seed(ws: Ws, names: readonly string[]): Promise<void> {
  for (const name of names) {
    clock.advance(1);
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) =>
      createCompanies(trx, h.ctx.vault, { workspaceId: ws.workspaceId, now: clock.now(), actor: { type: 'system' } }, [{ name }]));
  }
}

async function list(ws: Ws, query: string): Promise<{ status: number; names: string[]; next: string | null; body: Record<string, unknown> }> {
  const r = await h.app.inject({ method: 'GET', url: `/api/v1/companies?${query}`, headers: { cookie: ws.owner.cookie } });
  const body = r.json<{ items?: Array<{ name: string }>; nextCursor?: string | null }>();
  return { status: r.statusCode, names: (body.items ?? []).map((i) => i.name), next: body.nextCursor ?? null, body };
}
const search = async (ws: Ws, q: string) => (await list(ws, `q=${encodeURIComponent(q)}`)).names.sort();

describe('company search', () => {
  it('matches word prefixes case- and accent-insensitively, only in its own workspace', async () => {
    const a = await workspace();
    const b = await workspace();
    await seed(a, ['Société Générale', 'Soylent Foods', 'Ürban Möbel GmbH', 'Initech']);
    await seed(b, ['Société Privée', 'Soylent Foods']);
    expect(await search(a, 'so')).toEqual(['Société Générale', 'Soylent Foods']);
    expect(await search(a, 'SOCIÉ')).toEqual(['Société Générale']);
    expect(await search(a, 'societe generale')).toEqual(['Société Générale']);
    expect(await search(a, 'gen')).toEqual(['Société Générale']);
    expect(await search(a, 'urbAN mob')).toEqual(['Ürban Möbel GmbH']);
    expect(await search(a, 'initechnology')).toEqual([]); // the prefix-6 token matches, the re-check does not
    expect(await search(a, 'privee')).toEqual([]);
    expect(await search(b, 'soylent')).toEqual(['Soylent Foods']);
    const short = await list(a, 'q=s');
    expect(short.status).toBe(422);
  });

  it('finds a company by its exact name (normalized) through the blind index', async () => {
    const a = await workspace();
    await seed(a, ['Globex Corporation', 'Globex']);
    expect((await list(a, 'name=' + encodeURIComponent('  GLOBEX   corporation '))).names).toEqual(['Globex Corporation']);
    expect((await list(a, 'name=Glob')).names).toEqual([]);
  });

  it('pages with cursors, by date and by name, with and without a search', async () => {
    const a = await workspace();
    const names = Array.from({ length: 12 }, (_, i) => `Firm ${String.fromCharCode(76 - i)}${i}`); // L0, K1 ... A11
    await seed(a, names);
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(a, `${query}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.names);
        cursor = page.next;
      } while (cursor);
      return seen;
    };
    expect(await walk('sort=createdAt')).toEqual(names);
    expect(await walk('sort=-createdAt')).toEqual([...names].reverse());
    expect(await walk('sort=name')).toEqual([...names].reverse());
    expect(await walk('sort=-name&q=firm')).toEqual(names);
    expect(await walk('sort=updatedAt&q=fi')).toEqual(names);
    const first = await list(a, 'sort=createdAt&limit=5');
    expect((await list(a, `sort=name&cursor=${first.next}`)).status).toBe(400);
    expect((await list(a, 'cursor=garbage')).status).toBe(400);
  });

  it(`sorts by name up to ${MAX_IN_MEMORY_SORT} results, else 422 sort-too-large`, async () => {
    const a = await workspace();
    const inputs: CompanyInput[] = Array.from({ length: MAX_IN_MEMORY_SORT }, (_, i) => ({ name: `Bulk ${i}` }));
    const w = { workspaceId: a.workspaceId, now: clock.now(), actor: { type: 'system' as const } };
    await h.ctx.db.withWorkspace(a.workspaceId, (trx) => createCompanies(trx, h.ctx.vault, w, inputs));
    const ok = await list(a, 'sort=name&limit=3');
    expect(ok.status).toBe(200);
    expect(ok.names).toEqual(['Bulk 0', 'Bulk 1', 'Bulk 2']);
    await h.ctx.db.withWorkspace(a.workspaceId, (trx) => createCompanies(trx, h.ctx.vault, w, [{ name: 'One Too Many' }]));
    const tooMany = await list(a, 'sort=-name');
    expect(tooMany.status).toBe(422);
    expect(String(tooMany.body.type)).toMatch(/\/sort-too-large$/);
    expect((await list(a, 'sort=-name&q=one')).names).toEqual(['One Too Many']);
    expect((await list(a, 'sort=-createdAt&limit=2')).status).toBe(200);
  }, 120_000);

  it('still finds companies after a key rotation re-indexes them', async () => {
    const a = await workspace();
    await seed(a, ['Rotated Widgets']);
    const before = await asOwner<{ name_bidx: Buffer }>(h.t, 'select name_bidx from companies where workspace_id = $1', [a.workspaceId]);
    await rotateKeys({ db: h.ctx.db, keyring: h.ctx.keyring, vault: h.ctx.vault, now: clock.now() });
    const after = await asOwner<{ name_bidx: Buffer }>(h.t, 'select name_bidx from companies where workspace_id = $1', [a.workspaceId]);
    expect(Buffer.compare(before[0]!.name_bidx, after[0]!.name_bidx)).not.toBe(0);
    expect(await search(a, 'widg')).toEqual(['Rotated Widgets']);
    expect((await list(a, 'name=rotated%20widgets')).names).toEqual(['Rotated Widgets']);
  });
});
