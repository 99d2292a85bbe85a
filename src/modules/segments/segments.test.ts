import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, created, workspace, type Page } from '../contacts/contacts.test-helper.js';

let h: TestApp;
let c: ReturnType<typeof api>;
// Minutes apart, so sessions stay within their idle timeout.
let clock = new Date('2024-01-10T10:00:00Z');
beforeAll(async () => {
  h = await createTestApp({ now: () => clock });
  c = api(h);
});
afterAll(async () => {
  await h.close();
});

interface Segment {
  id: string;
  name: string;
  count: number;
  conditions: Array<{ type: string; value: unknown }>;
}

const seg = {
  create: (who: SignedIn, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/api/v1/segments', headers: who.headers, payload }),
  get: (who: SignedIn, id: string) => h.app.inject({ method: 'GET', url: `/api/v1/segments/${id}`, headers: { cookie: who.cookie } }),
  list: (who: SignedIn) => h.app.inject({ method: 'GET', url: '/api/v1/segments', headers: { cookie: who.cookie } }),
  patch: (who: SignedIn, id: string, payload: Record<string, unknown>) => h.app.inject({ method: 'PATCH', url: `/api/v1/segments/${id}`, headers: who.headers, payload }),
  del: (who: SignedIn, id: string) => h.app.inject({ method: 'DELETE', url: `/api/v1/segments/${id}`, headers: who.headers }),
};

async function count(who: SignedIn, conditions: unknown[]): Promise<number> {
  const r = await seg.create(who, { name: 'probe', conditions });
  if (r.statusCode !== 201) throw new Error(`expected 201, got ${r.statusCode}: ${r.body}`);
  return r.json<Segment>().count;
}

describe('segments', () => {
  it('counts live by tag, owner, dates, lawful basis, email, phone and country', async () => {
    const ws = await workspace(h, 'DE');
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    clock = new Date('2024-01-10T10:00:00Z');
    const a = created(await c.create(ws.owner, { firstName: 'Ann', lastName: 'A', emails: [{ address: 'ann@a.example' }], tags: ['VIP', 'Berlin'], country: 'Germany' }));
    clock = new Date('2024-01-10T10:05:00Z');
    created(await c.create(sales, { firstName: 'Bob', lastName: 'B', phones: [{ number: '030 1234567' }], tags: ['vip'], address: { country: ' GERMANY ' }, lawfulBasis: 'consent' }));
    clock = new Date('2024-01-10T10:10:00Z');
    created(await c.create(ws.owner, { firstName: 'Cy', lastName: 'C', tags: ['other'], country: 'France' }));
    expect(await count(ws.owner, [])).toBe(3);
    expect(await count(ws.owner, [{ type: 'tag', op: 'is', value: ' vip ' }])).toBe(2);
    expect(await count(ws.owner, [{ type: 'tag', op: 'isNot', value: 'VIP' }])).toBe(1);
    expect(await count(ws.owner, [{ type: 'owner', op: 'is', value: sales.userId }])).toBe(1);
    expect(await count(ws.owner, [{ type: 'createdAt', op: 'after', value: '2024-01-10T10:03:00Z' }])).toBe(2);
    expect(await count(ws.owner, [{ type: 'createdAt', op: 'before', value: '2024-01-10T10:03:00Z' }, { type: 'tag', op: 'is', value: 'vip' }])).toBe(1);
    expect(await count(ws.owner, [{ type: 'lawfulBasis', op: 'is', value: 'consent' }])).toBe(1);
    expect(await count(ws.owner, [{ type: 'email', op: 'equals', value: 'ANN@a.example' }])).toBe(1);
    expect(await count(ws.owner, [{ type: 'phone', op: 'equals', value: '+49 30 1234567' }])).toBe(1);
    expect(await count(ws.owner, [{ type: 'country', op: 'is', value: 'germany' }])).toBe(2);
    expect(await count(ws.owner, [{ type: 'company', op: 'is', value: null }])).toBe(3);
    // Live: a change to a contact moves the count of a saved segment.
    const vip = (await seg.create(ws.owner, { name: 'VIPs', conditions: [{ type: 'tag', op: 'is', value: 'vip' }] })).json<Segment>();
    expect((await c.patch(ws.owner, a, { tags: [] })).statusCode).toBe(200);
    expect((await seg.get(ws.owner, vip.id)).json<Segment>().count).toBe(1);
    const listed = (await seg.list(ws.owner)).json<{ items: Segment[] }>();
    expect(listed.items.find((s) => s.id === vip.id)).toMatchObject({ name: 'VIPs', count: 1 });
  });

  it('refuses a bad email or phone rule with 422 naming it, without echoing the value', async () => {
    const ws = await workspace(h);
    const r = await seg.create(ws.owner, { name: 'bad', conditions: [{ type: 'tag', op: 'is', value: 'x' }, { type: 'phone', op: 'equals', value: '030 98765' }] });
    expect(r.statusCode).toBe(422);
    expect(r.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual(['conditions.1.value']);
    expect(r.body).not.toContain('98765');
    expect((await seg.create(ws.owner, { name: 'bad', conditions: [{ type: 'shoe size', op: 'is', value: 'x' }] })).statusCode).toBe(400);
  });

  it('lists members through /contacts?segmentId=, audited as crm.list with the member ids', async () => {
    const ws = await workspace(h);
    const ids = [];
    for (const n of ['One', 'Two']) ids.push(created(await c.create(ws.owner, { firstName: n, lastName: 'In', tags: ['in'] })));
    created(await c.create(ws.owner, { firstName: 'Three', lastName: 'Out' }));
    const s = (await seg.create(ws.owner, { name: 'In', conditions: [{ type: 'tag', op: 'is', value: 'in' }] })).json<Segment>();
    const support = await signInAs(h, ws.workspaceId, 'support');
    const page = (await c.list(support, { segmentId: s.id })).json<Page>();
    expect(page.items.map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(page.total).toBe(2);
    const events = await asOwner<{ purpose: string; subject_ids: string[] }>(h.t,
      `select purpose, subject_ids from audit_events where workspace_id = $1 and action = 'contact.read' and actor_id = $2`, [ws.workspaceId, support.userId]);
    expect(events).toHaveLength(1);
    expect(events[0]!.purpose).toBe('crm.list');
    expect(events[0]!.subject_ids.sort()).toEqual([...ids].sort());
    // Sorting and paging still work inside a segment.
    const sorted = (await c.list(support, { segmentId: s.id, sort: 'firstName', limit: 1 })).json<Page>();
    expect(sorted.items.map((i) => i.firstName)).toEqual(['One']);
  });

  it("another workspace's segment is a 404 everywhere; rename, change and delete work", async () => {
    const ws = await workspace(h);
    const other = await workspace(h);
    const s = (await seg.create(ws.owner, { name: 'Mine', conditions: [] })).json<Segment>();
    expect((await seg.get(other.owner, s.id)).statusCode).toBe(404);
    expect((await c.list(other.owner, { segmentId: s.id })).statusCode).toBe(404);
    expect((await seg.patch(other.owner, s.id, { name: 'x' })).statusCode).toBe(404);
    expect((await seg.del(other.owner, s.id)).statusCode).toBe(404);
    expect((await seg.list(other.owner)).json<{ items: Segment[] }>().items).toEqual([]);
    const p = await seg.patch(ws.owner, s.id, { name: 'Renamed', conditions: [{ type: 'lawfulBasis', op: 'is', value: 'contract' }] });
    expect(p.json<Segment>()).toMatchObject({ name: 'Renamed', count: 0 });
    const auditor = await signInAs(h, ws.workspaceId, 'auditor');
    expect((await seg.create(auditor, { name: 'no', conditions: [] })).statusCode).toBe(403);
    expect((await seg.del(ws.owner, s.id)).statusCode).toBe(204);
    expect((await seg.get(ws.owner, s.id)).statusCode).toBe(404);
    const stored = await asOwner<{ definition: Buffer }>(h.t, 'select definition from segments where workspace_id = $1', [ws.workspaceId]);
    expect(stored).toEqual([]);
  });
});
