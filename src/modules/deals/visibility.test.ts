/**
 * Record visibility 'own' reaches deals, tasks, notes and the timeline: a
 * sales member sees the business records, but never the name of (or the text
 * sealed under the key of) a contact they do not own — nor its id — and the
 * audit read events name only the people actually shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, created, workspace, type Ws } from '../contacts/contacts.test-helper.js';

let h: TestApp;
let ws: Ws;
let sales: SignedIn;
let mine: string;
let theirs: string;
const ids: Record<string, string> = {};

type Json = Record<string, unknown>;
const send = (who: SignedIn, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json) =>
  h.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const get = (who: SignedIn, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
const idOf = async (r: Promise<{ statusCode: number; body: string; json: <T>() => T }>): Promise<string> => {
  const res = await r;
  if (res.statusCode !== 201) throw new Error(`expected 201, got ${res.statusCode}: ${res.body}`);
  return res.json<{ id: string }>().id;
};

/** What the sales member must never see: the hidden contact's name and the text about them. */
const SECRETS = ['Theodora', 'Hiddenfield', 'Theodeal', 'Theodescription', 'Theotask', 'Theonote'];

async function readsBy(who: SignedIn): Promise<Array<{ purpose: string; subject_ids: string[] }>> {
  return asOwner(h.t, `select purpose, subject_ids from audit_events where workspace_id = $1 and action = 'contact.read' and actor_id = $2 order by id`, [ws.workspaceId, who.userId]);
}

beforeAll(async () => {
  h = await createTestApp();
  ws = await workspace(h);
  sales = await signInAs(h, ws.workspaceId, 'sales');
  mine = created(await api(h).create(sales, { firstName: 'Mia', lastName: 'Mine' }));
  theirs = created(await api(h).create(ws.owner, { firstName: 'Theodora', lastName: 'Hiddenfield' }));
  // The sales member owns the deal and is assigned the task about the contact they will not see.
  ids.dealTheirs = await idOf(send(ws.owner, 'POST', '/api/v1/deals', { title: 'Theodeal', description: 'Theodescription', contactId: theirs, ownerId: sales.userId }));
  ids.dealMine = await idOf(send(sales, 'POST', '/api/v1/deals', { title: 'Mia deal', contactId: mine }));
  ids.dealNone = await idOf(send(ws.owner, 'POST', '/api/v1/deals', { title: 'Open deal' }));
  ids.taskTheirs = await idOf(send(ws.owner, 'POST', '/api/v1/tasks', { title: 'Theotask', contactId: theirs, assigneeId: sales.userId }));
  ids.taskMine = await idOf(send(sales, 'POST', '/api/v1/tasks', { title: 'Mia task', contactId: mine }));
  ids.noteTheirs = await idOf(send(ws.owner, 'POST', '/api/v1/notes', { contactId: theirs, body: 'Theonote' }));
  ids.noteMine = await idOf(send(sales, 'POST', '/api/v1/notes', { contactId: mine, body: 'Mia note' }));
  await asOwner(h.t, `update workspaces set settings = settings || '{"recordVisibility":{"sales":"own"}}'::jsonb where id = $1`, [ws.workspaceId]);
});
afterAll(async () => {
  await h.close();
});

function expectNoSecrets(body: string): void {
  expect(SECRETS.filter((s) => body.includes(s))).toEqual([]);
}

interface DealItem { id: string; title: string | null; description: string | null; erased: boolean; contactHidden: boolean; contactId: string | null; contactName: string | null }
interface TaskItem { id: string; title: string | null; erased: boolean; contactHidden: boolean; contactId: string | null; contactName: string | null }

describe("record visibility 'own' in deal, task and note lists", () => {
  it('deal lists and the board keep every deal but withhold a hidden contact’s name and the deal’s text; the read names only shown people', async () => {
    const before = (await readsBy(sales)).length;
    const r = await get(sales, '/api/v1/deals');
    expect(r.statusCode, r.body).toBe(200);
    expectNoSecrets(r.body);
    const items = r.json<{ items: DealItem[] }>().items;
    expect(items).toHaveLength(3);
    // Not even the hidden contact's id: with it, PATCH or GET of the contact elsewhere would be the next step.
    expect(items.find((d) => d.id === ids.dealTheirs)).toEqual(expect.objectContaining({
      title: null, description: null, erased: false, contactHidden: true, contactId: null, contactName: null,
    }));
    expect(r.body).not.toContain(theirs);
    expect(items.find((d) => d.id === ids.dealMine)).toMatchObject({ title: 'Mia deal', contactHidden: false, contactName: 'Mia Mine' });
    expect(items.find((d) => d.id === ids.dealNone)).toMatchObject({ title: 'Open deal', contactHidden: false, contactName: null });
    const events = (await readsBy(sales)).slice(before);
    expect(events).toEqual([{ purpose: 'crm.list', subject_ids: [mine] }]);

    // One deal about the hidden contact: shown withheld, and no read recorded (nobody shown).
    const one = await get(sales, `/api/v1/deals/${ids.dealTheirs}`);
    expect(one.statusCode).toBe(200);
    expectNoSecrets(one.body);
    expect(one.json()).toMatchObject({ title: null, contactHidden: true, contactName: null, contactId: null });
    expect((await readsBy(sales)).slice(before)).toHaveLength(1);
    // Filtering by the hidden contact's id says nothing about them: no deals.
    const filtered = await get(sales, `/api/v1/deals?contactId=${theirs}`);
    expect(filtered.statusCode).toBe(200);
    expect(filtered.json()).toEqual({ items: [], nextCursor: null });
    expect((await get(ws.owner, `/api/v1/deals?contactId=${theirs}`)).json<{ items: DealItem[] }>().items.map((d) => d.id)).toEqual([ids.dealTheirs]);

    // The owner still sees everything.
    const all = (await get(ws.owner, '/api/v1/deals')).json<{ items: DealItem[] }>().items;
    expect(all.find((d) => d.id === ids.dealTheirs)).toMatchObject({ title: 'Theodeal', contactName: 'Theodora Hiddenfield', contactHidden: false });
  });

  it('a deal about a hidden contact can be moved, but its text and contact not; a hidden contact cannot be named', async () => {
    const pipes = (await get(sales, '/api/v1/pipelines')).json<{ items: Array<{ stages: Array<{ id: string }> }> }>().items;
    const moved = await send(sales, 'PATCH', `/api/v1/deals/${ids.dealTheirs}`, { stageId: pipes[0]!.stages[1]!.id, amountCents: 500 });
    expect(moved.statusCode, moved.body).toBe(200);
    expectNoSecrets(moved.body);
    expect(moved.json()).toMatchObject({ stageId: pipes[0]!.stages[1]!.id, amountCents: 500, title: null, contactHidden: true, contactId: null });
    expect(moved.body).not.toContain(theirs);
    for (const patch of [{ title: 'Renamed' }, { description: 'x' }, { contactId: mine }, { contactId: null }]) {
      const r = await send(sales, 'PATCH', `/api/v1/deals/${ids.dealTheirs}`, patch);
      expect(r.statusCode, JSON.stringify(patch)).toBe(403);
      expect(r.json<{ type: string }>().type).toMatch(/\/contact-not-visible$/);
      expectNoSecrets(r.body);
    }
    expect((await send(sales, 'POST', '/api/v1/deals', { title: 'Sneaky', contactId: theirs })).statusCode).toBe(422);
    expect((await send(sales, 'PATCH', `/api/v1/deals/${ids.dealMine}`, { contactId: theirs })).statusCode).toBe(422);
    const owner = (await get(ws.owner, `/api/v1/deals/${ids.dealTheirs}`)).json<DealItem>();
    expect(owner).toMatchObject({ title: 'Theodeal', contactId: theirs });
  });

  it('task lists withhold the hidden contact’s name and the title; the title cannot be changed', async () => {
    const before = (await readsBy(sales)).length;
    const r = await get(sales, '/api/v1/tasks');
    expect(r.statusCode, r.body).toBe(200);
    expectNoSecrets(r.body);
    const items = r.json<{ items: TaskItem[] }>().items;
    expect(items.find((t) => t.id === ids.taskTheirs)).toEqual(expect.objectContaining({ title: null, erased: false, contactHidden: true, contactId: null, contactName: null }));
    expect(r.body).not.toContain(theirs);
    expect((await get(sales, `/api/v1/tasks?contactId=${theirs}`)).json()).toEqual({ items: [], nextCursor: null });
    expect(items.find((t) => t.id === ids.taskMine)).toMatchObject({ title: 'Mia task', contactName: 'Mia Mine', contactHidden: false });
    expect((await readsBy(sales)).slice(before)).toEqual([{ purpose: 'crm.list', subject_ids: [mine] }]);
    const mineOnly = await get(sales, `/api/v1/tasks?assigneeId=${sales.userId}`);
    expectNoSecrets(mineOnly.body);
    expect((await get(sales, `/api/v1/tasks/${ids.taskTheirs}`)).json()).toMatchObject({ title: null, contactHidden: true, contactId: null });

    const done = await send(sales, 'PATCH', `/api/v1/tasks/${ids.taskTheirs}`, { done: true });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ done: true, title: null, contactHidden: true });
    expect((await send(sales, 'PATCH', `/api/v1/tasks/${ids.taskTheirs}`, { title: 'x' })).statusCode).toBe(403);
    expect((await send(sales, 'PATCH', `/api/v1/tasks/${ids.taskTheirs}`, { contactId: mine })).statusCode).toBe(403);
    expect((await send(sales, 'POST', '/api/v1/tasks', { title: 'Sneaky', contactId: theirs })).statusCode).toBe(422);
    expect((await get(ws.owner, `/api/v1/tasks/${ids.taskTheirs}`)).json()).toMatchObject({ title: 'Theotask', done: true });
  });

  it("notes about a hidden contact are a 404 like a missing contact's; the timeline too", async () => {
    expect((await get(sales, `/api/v1/notes?contactId=${theirs}`)).statusCode).toBe(404);
    expect((await send(sales, 'POST', '/api/v1/notes', { contactId: theirs, body: 'x' })).statusCode).toBe(404);
    expect((await send(sales, 'PATCH', `/api/v1/notes/${ids.noteTheirs}`, { body: 'x' })).statusCode).toBe(404);
    expect((await send(sales, 'DELETE', `/api/v1/notes/${ids.noteTheirs}`)).statusCode).toBe(404);
    const own = await get(sales, `/api/v1/notes?contactId=${mine}`);
    expect(own.json<{ items: Array<{ body: string }> }>().items.map((n) => n.body)).toEqual(['Mia note']);
    expect((await get(sales, `/api/v1/contacts/${theirs}/timeline`)).statusCode).toBe(404);
    const timeline = await get(sales, `/api/v1/contacts/${mine}/timeline`);
    expect(timeline.statusCode).toBe(200);
    expectNoSecrets(timeline.body);
    expect(timeline.json<{ items: Array<{ text: string | null }> }>().items.map((i) => i.text)).toEqual(expect.arrayContaining(['Mia note', 'Mia task', 'Mia deal']));
    expect((await get(ws.owner, `/api/v1/notes?contactId=${theirs}`)).json<{ items: Array<{ body: string }> }>().items.map((n) => n.body)).toEqual(['Theonote']);
  });

  it('no read event of the sales member names the hidden contact; segment counts stay scoped', async () => {
    for (const url of ['/api/v1/deals', '/api/v1/tasks', `/api/v1/deals/${ids.dealTheirs}`, `/api/v1/tasks/${ids.taskTheirs}`, `/api/v1/contacts/${mine}/timeline`]) {
      expect((await get(sales, url)).statusCode, url).toBe(200);
    }
    const events = await readsBy(sales);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.subject_ids.includes(theirs))).toEqual([]);
    const seg = await send(sales, 'POST', '/api/v1/segments', { name: 'Everyone', conditions: [] });
    expect(seg.json()).toMatchObject({ count: 1 });
    expect((await get(ws.owner, `/api/v1/segments/${seg.json<{ id: string }>().id}`)).json()).toMatchObject({ count: 2 });
  });

  it("withholds email and phone rule values of others' segments, not of the member's own", async () => {
    const owners = await send(ws.owner, 'POST', '/api/v1/segments', { name: 'One person', conditions: [{ type: 'email', op: 'equals', value: 'theodora@hidden.example' }, { type: 'tag', op: 'is', value: 'vip' }] });
    expect(owners.statusCode).toBe(201);
    const id = owners.json<{ id: string }>().id;
    const seen = await get(sales, `/api/v1/segments/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('theodora@hidden.example');
    expect(seen.json()).toMatchObject({ conditionsMasked: true, conditions: [{ type: 'email', value: '[hidden]' }, { type: 'tag', value: 'vip' }] });
    expect((await get(sales, '/api/v1/segments')).body).not.toContain('theodora@hidden.example');
    // The owner (visibility 'all') and the member's own segments show the values.
    expect((await get(ws.owner, `/api/v1/segments/${id}`)).body).toContain('theodora@hidden.example');
    const own = await send(sales, 'POST', '/api/v1/segments', { name: 'Mine by mail', conditions: [{ type: 'email', op: 'equals', value: 'mia@mine.example' }] });
    expect(own.statusCode).toBe(201);
    expect(own.json<{ conditionsMasked?: boolean }>().conditionsMasked).toBeUndefined();
    expect(own.body).toContain('mia@mine.example');
    // A masked value sent back cannot overwrite the rule with garbage: it is not a valid address.
    expect((await send(sales, 'PATCH', `/api/v1/segments/${id}`, { conditions: seen.json<{ conditions: Json[] }>().conditions })).statusCode).toBe(422);
  });
});
