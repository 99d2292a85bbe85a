/** GET /contacts?companyId=: a company's people, paged, visibility-scoped and recorded like any list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, contactsApp, created, workspace, type Page, type Ws } from './contacts.test-helper.js';

let h: TestApp;
let c: ReturnType<typeof api>;
let ws: Ws;
let sales: SignedIn;
let acme: string;
let globex: string;
/** Acme's people: [id, owned by sales?] */
const acmePeople: Array<{ id: string; bySales: boolean }> = [];

async function company(who: SignedIn, name: string): Promise<string> {
  return created(await h.app.inject({ method: 'POST', url: '/api/v1/companies', headers: who.headers, payload: { name } }));
}

async function allPages(who: SignedIn, q: Record<string, string | number>): Promise<{ pages: Page[]; ids: string[] }> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const r = await c.list(who, { ...q, ...(cursor ? { cursor } : {}) });
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json<Page>();
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  return { pages, ids: pages.flatMap((p) => p.items.map((i) => i.id)) };
}

beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
  ws = await workspace(h);
  sales = await signInAs(h, ws.workspaceId, 'sales');
  acme = await company(ws.owner, 'Acme');
  globex = await company(ws.owner, 'Globex');
  const names = ['Zed', 'Anna', 'Mia', 'Bert', 'Olga', 'Carl', 'Nina'];
  for (const [i, lastName] of names.entries()) {
    const bySales = i % 3 === 0;
    const id = created(await c.create(bySales ? sales : ws.owner, { firstName: 'Person', lastName, companyId: acme }));
    acmePeople.push({ id, bySales });
  }
  for (const lastName of ['Gamma', 'Delta']) created(await c.create(ws.owner, { firstName: 'Person', lastName, companyId: globex }));
  for (const lastName of ['Free', 'Loose']) created(await c.create(sales, { firstName: 'Person', lastName }));
});
afterAll(async () => {
  await h.close();
});

describe('GET /contacts?companyId=', () => {
  it("pages through exactly the company's contacts, newest first, with a total", async () => {
    const { pages, ids } = await allPages(ws.owner, { companyId: acme, limit: 3 });
    expect(pages).toHaveLength(3);
    expect(pages[0]!.total).toBe(7);
    expect([...ids].sort()).toEqual(acmePeople.map((p) => p.id).sort());
    const created = pages.flatMap((p) => p.items.map((i) => (i as unknown as { createdAt: string }).createdAt));
    expect(created).toEqual([...created].sort().reverse());
    const globexPage = (await c.list(ws.owner, { companyId: globex })).json<Page>();
    expect(globexPage.items.map((i) => i.lastName).sort()).toEqual(['Delta', 'Gamma']);
  });

  it('combines with a search and with a personal-field sort', async () => {
    const searched = (await c.list(ws.owner, { companyId: acme, q: 'person' })).json<Page>();
    expect(searched.items.map((i) => i.id).sort()).toEqual(acmePeople.map((p) => p.id).sort());
    expect(searched.total).toBe(7);
    const none = (await c.list(ws.owner, { companyId: globex, q: 'anna' })).json<Page>();
    expect(none.items).toEqual([]);
    const sorted = await allPages(ws.owner, { companyId: acme, sort: 'lastName', limit: 4 });
    expect(sorted.pages[0]!.items.map((i) => i.lastName)).toEqual(['Anna', 'Bert', 'Carl', 'Mia']);
    expect(sorted.pages.flatMap((p) => p.items.map((i) => i.lastName))).toEqual(['Anna', 'Bert', 'Carl', 'Mia', 'Nina', 'Olga', 'Zed']);
  });

  it("record visibility 'own': a sales member sees only the company's contacts they own", async () => {
    expect((await c.list(sales, { companyId: acme })).json<Page>().items).toHaveLength(7);
    await asOwner(h.t, `update workspaces set settings = settings || '{"recordVisibility":{"sales":"own"}}'::jsonb where id = $1`, [ws.workspaceId]);
    try {
      const own = acmePeople.filter((p) => p.bySales).map((p) => p.id);
      const page = (await c.list(sales, { companyId: acme })).json<Page>();
      expect(page.items.map((i) => i.id).sort()).toEqual([...own].sort());
      expect(page.total).toBe(own.length);
      expect((await c.list(sales, { companyId: globex })).json<Page>()).toMatchObject({ items: [], total: 0 });
    } finally {
      await asOwner(h.t, `update workspaces set settings = settings - 'recordVisibility' where id = $1`, [ws.workspaceId]);
    }
  });

  it('records one contact.read (crm.list) per page naming only the shown ids; an empty page records nothing', async () => {
    const support = await signInAs(h, ws.workspaceId, 'support');
    const first = (await c.list(support, { companyId: acme, limit: 4 })).json<Page>();
    await c.list(support, { companyId: acme, limit: 4, cursor: first.nextCursor! });
    const emptyCompany = await company(ws.owner, 'Initech');
    expect((await c.list(support, { companyId: emptyCompany })).json<Page>().items).toEqual([]);
    const events = await asOwner<{ purpose: string; subject_ids: string[] }>(h.t,
      `select purpose, subject_ids from audit_events where workspace_id = $1 and action = 'contact.read' and actor_id = $2 order by id`, [ws.workspaceId, support.userId]);
    expect(events.map((e) => e.purpose)).toEqual(['crm.list', 'crm.list']);
    expect(events[0]!.subject_ids).toEqual(first.items.map((i) => i.id));
    expect(events[1]!.subject_ids).toHaveLength(3);
    expect(new Set([...events[0]!.subject_ids, ...events[1]!.subject_ids])).toEqual(new Set(acmePeople.map((p) => p.id)));
  });

  it("an unknown company, or another workspace's, is a 404; a malformed id a 400", async () => {
    const other = await workspace(h);
    const theirs = await company(other.owner, 'Acme');
    const r = await c.list(ws.owner, { companyId: theirs });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await c.list(ws.owner, { companyId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await c.list(ws.owner, { companyId: 'acme' })).statusCode).toBe(400);
  });
});
