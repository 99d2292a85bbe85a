import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { createCompanies } from '../companies/service.js';
import { api, basics, contactsApp, workspace, type Page, type Ws } from './contacts.test-helper.js';
import { createContacts } from './service.js';
import type { ContactInput } from './schemas.js';

const FIRST = ['Anaïs', 'Ana', 'Anastasia', 'Émile', 'Emil', 'Björn', 'Zoë', 'Oliver', 'Olivia', 'Chloé', 'Søren', 'Łukasz'];
const LAST = ['Bernard', 'Berg', 'Nuñez', 'Müller', 'Mueller', "O'Brien", 'Dubois', 'Dupont', 'Berglund', 'Olsen'];
const DOMAINS = ['example.com', 'mail.example.org', 'bergwerk.de'];

let h: TestApp;
let c: ReturnType<typeof api>;
let ws: Ws;
let other: Ws;
/** id → the words the test expects search to see (an independent fold). */
const words = new Map<string, string[]>();

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function people(n: number): ContactInput[] {
  return Array.from({ length: n }, (_, i) => {
    const firstName = FIRST[i % FIRST.length]!;
    const lastName = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const local = `${fold(firstName)[0]}.${i}`;
    return { ...basics, firstName, lastName, emails: [{ address: `${local}@${DOMAINS[i % DOMAINS.length]}` }] };
  });
}

beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
  ws = await workspace(h);
  other = await workspace(h);
  await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
    const [acme] = await createCompanies(trx, h.ctx.vault, { workspaceId: ws.workspaceId, now: h.ctx.now(), actor: { type: 'system' } }, [{ name: 'Quantenwerk Åkesson AG' }]);
    const inputs = people(300).map((p, i) => (i % 50 === 0 ? { ...p, companyId: acme!.id } : p));
    for (const contact of await createContacts(h.ctx, trx, ws.workspaceId, inputs)) {
      const company = contact.companyId ? 'Quantenwerk Åkesson AG' : '';
      words.set(contact.id, fold([contact.firstName, contact.lastName, ...contact.emails.map((e) => e.address), company].join(' ')));
    }
  });
  await h.ctx.db.withWorkspace(other.workspaceId, (trx) => createContacts(h.ctx, trx, other.workspaceId, people(40)));
});
afterAll(async () => {
  await h.close();
});

async function allPages(q: Record<string, string | number>): Promise<{ ids: string[]; first: Page }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let first: Page | null = null;
  do {
    const r = await c.list(ws.owner, { ...q, limit: 37, ...(cursor ? { cursor } : {}) });
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json<Page>();
    first ??= page;
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, first: first };
}

function expected(q: string): string[] {
  const qw = fold(q).filter((w) => w.length >= 2);
  return [...words].filter(([, ws]) => qw.every((w) => ws.some((x) => x.startsWith(w)))).map(([id]) => id).sort();
}

describe('contact search (blind tokens, re-checked)', () => {
  const queries = ['an', 'ana', 'anai', 'anaïs', 'ANAIS', 'anast', 'anastasia', 'anastasias', 'emile', 'Émi', 'bjö', 'bjorn',
    'zoe', 'nunez', 'obrien', 'brien', 'ber', 'berg', 'bergl', 'berglund', 'mueller', 'muller', 'example', 'mail', 'bergwerk',
    'ana ber', 'Olivia Olsen', 'emil dubois example', 'quantenwerk', 'akesson', 'soren', 'łukasz', 'zz'];
  for (const q of queries) {
    it(`"${q}" finds every expected contact across pages, none from another workspace`, async () => {
      const want = expected(q);
      const { ids, first } = await allPages({ q });
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(want);
      expect(ids).toEqual([...ids].sort()); // index (id) order
      expect(first.total).toBe(Math.min(want.length, 1000));
      expect(first.totalIsLowerBound).toBe(false);
    });
  }

  it('refuses a query with no word of two characters', async () => {
    expect((await c.list(ws.owner, { q: 'a' })).statusCode).toBe(422);
  });

  it('sorts by personal fields in memory, by metadata at any size', async () => {
    const byLast = await allPages({ q: 'ber', sort: 'lastName' });
    expect(byLast.ids.sort()).toEqual(expected('ber'));
    const r = (await c.list(ws.owner, { q: 'ber', sort: '-lastName', limit: 200 })).json<Page>();
    const names = r.items.map((i) => i.lastName);
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a, undefined, { sensitivity: 'base' })));
    const all = await allPages({ sort: 'email' });
    expect(all.ids).toHaveLength(300);
    const created = await allPages({ sort: '-createdAt' });
    expect(created.ids.sort()).toEqual([...words.keys()].sort());
    expect(created.first.total).toBe(300);
  });

  it('a personal-field sort of more than 2,000 contacts is a 422 /sort-too-large', async () => {
    const big = await workspace(h);
    const many = Array.from({ length: 2001 }, (_, i) => ({ ...basics, firstName: '', lastName: `N${i}` }));
    await h.ctx.db.withWorkspace(big.workspaceId, (trx) => createContacts(h.ctx, trx, big.workspaceId, many));
    const r = await c.list(big.owner, { sort: 'lastName' });
    expect(r.statusCode).toBe(422);
    expect(r.json<{ type: string }>().type).toMatch(/\/sort-too-large$/);
    const ok = (await c.list(big.owner, { sort: '-updatedAt', limit: 5 })).json<Page>();
    expect(ok.items).toHaveLength(5);
    expect(ok).toMatchObject({ total: 1000, totalIsLowerBound: true });
    expect((await c.list(big.owner, { q: 'n1', sort: 'lastName', limit: 5 })).statusCode).toBe(200);
    // 1,111 match "n1" (N1, N1x, N1xx, N1xxx): past the exact budget the total is an estimate, "1,000+".
    const est = (await c.list(big.owner, { q: 'n1', limit: 5 })).json<Page>();
    expect(est.items).toHaveLength(5);
    expect(est).toMatchObject({ total: 1000, totalIsLowerBound: true, totalIsEstimate: true });
    // 112 match "n2" (N2, N2x, N2xx, N2000): few enough candidates after the page to count exactly.
    const exact = (await c.list(big.owner, { q: 'n2', limit: 5 })).json<Page>();
    expect(exact).toMatchObject({ total: 112, totalIsLowerBound: false });
    expect(exact.totalIsEstimate).toBeUndefined();
  });

  it('estimates a mid-sized total from the first batch, and every page still comes', async () => {
    const mid = await workspace(h);
    const many = Array.from({ length: 600 }, (_, i) => ({ ...basics, firstName: 'Quill', lastName: `Q${i}` }));
    await h.ctx.db.withWorkspace(mid.workspaceId, (trx) => createContacts(h.ctx, trx, mid.workspaceId, many));
    const first = (await c.list(mid.owner, { q: 'quill', limit: 20 })).json<Page>();
    // Every candidate matches, so the estimate is exact here; it is flagged all the same.
    expect(first).toMatchObject({ total: 600, totalIsLowerBound: false, totalIsEstimate: true });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (await c.list(mid.owner, { q: 'quill', limit: 200, ...(cursor ? { cursor } : {}) })).json<Page>();
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(ids).size).toBe(600);
  });
});
