/**
 * Every response that shows a person is a read (DESIGN.md data rule 8;
 * docs/reading-many-people.md). The table below has one entry per registered
 * route whose response schema carries a personal field (PERSONAL_FIELDS):
 * a route added without an entry fails the first test, and each entry proves
 * that its answer is recorded for the person shown, under its purpose, and
 * that past the budget a caller without contacts:export gets 429 instead.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalFieldsOf } from '../src/modules/reads/index.js';
import { updateWorkspaceSettings } from '../src/modules/workspaces/settings-service.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from './helpers/auth.js';
import { asOwner } from './helpers/db.js';

const BUDGET = 3;
const routes: RouteOptions[] = [];
let h: TestApp;
let ws: { workspaceId: string; owner: SignedIn };
/** People every reader opens to fill its budget before the refused call. */
let fillers: string[] = [];

type Headers = Record<string, string>;
type Json = Record<string, unknown>;
const call = (headers: Headers, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Json) =>
  h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const owner = (): Headers => ws.owner.headers;
const idOf = (r: LightMyRequestResponse): string => {
  if (r.statusCode !== 201) throw new Error(`expected 201, got ${r.statusCode}: ${r.body}`);
  return r.json<{ id: string }>().id;
};

/** A new contact made by the owner, with an address no other test uses. */
async function person(): Promise<{ id: string; email: string }> {
  const email = `p-${randomUUID().slice(0, 8)}@people.example`;
  const id = idOf(await call(owner(), 'POST', '/api/v1/contacts', { firstName: 'Pat', lastName: 'Person', emails: [{ address: email }], lawfulBasis: 'legitimate_interests', source: 'test' }));
  return { id, email };
}
const dealAbout = async (contactId: string) => idOf(await call(owner(), 'POST', '/api/v1/deals', { title: 'An order', contactId }));
const taskAbout = async (contactId: string) => idOf(await call(owner(), 'POST', '/api/v1/tasks', { title: 'Call back', contactId }));
const noteAbout = async (contactId: string) => idOf(await call(owner(), 'POST', '/api/v1/notes', { contactId, body: 'Met at the fair' }));

interface Case {
  purpose: string;
  /** Makes what the route shows (as the owner), calls it as `as`; `subject` is the person its answer shows. */
  run: (as: Headers) => Promise<{ res: LightMyRequestResponse; subject: string }>;
}

const CASES: Record<string, Case> = {
  'GET /api/v1/contacts': { purpose: 'crm.list', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'GET', `/api/v1/contacts?email=${encodeURIComponent(p.email)}`), subject: p.id };
  } },
  'POST /api/v1/contacts': { purpose: 'crm.view', run: async (as) => {
    const email = `new-${randomUUID().slice(0, 8)}@people.example`;
    const res = await call(as, 'POST', '/api/v1/contacts', { firstName: 'New', lastName: 'Person', emails: [{ address: email }], lawfulBasis: 'consent', source: 'test' });
    return { res, subject: res.statusCode === 201 ? res.json<{ id: string }>().id : 'none' };
  } },
  'GET /api/v1/contacts/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'GET', `/api/v1/contacts/${p.id}`), subject: p.id };
  } },
  'PATCH /api/v1/contacts/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'PATCH', `/api/v1/contacts/${p.id}`, {}), subject: p.id };
  } },
  'POST /api/v1/contacts/merge': { purpose: 'crm.view', run: async (as) => {
    const [keep, merge] = [await person(), await person()];
    return { res: await call(as, 'POST', '/api/v1/contacts/merge', { keepId: keep.id, mergeId: merge.id }), subject: keep.id };
  } },
  'GET /api/v1/contacts/:id/timeline': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    await noteAbout(p.id);
    return { res: await call(as, 'GET', `/api/v1/contacts/${p.id}/timeline`), subject: p.id };
  } },
  'GET /api/v1/deals': { purpose: 'crm.list', run: async (as) => {
    const p = await person();
    await dealAbout(p.id);
    return { res: await call(as, 'GET', `/api/v1/deals?contactId=${p.id}`), subject: p.id };
  } },
  'GET /api/v1/deals/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'GET', `/api/v1/deals/${await dealAbout(p.id)}`), subject: p.id };
  } },
  'POST /api/v1/deals': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'POST', '/api/v1/deals', { title: 'Another order', contactId: p.id }), subject: p.id };
  } },
  'PATCH /api/v1/deals/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'PATCH', `/api/v1/deals/${await dealAbout(p.id)}`, {}), subject: p.id };
  } },
  'GET /api/v1/notes': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    await noteAbout(p.id);
    return { res: await call(as, 'GET', `/api/v1/notes?contactId=${p.id}`), subject: p.id };
  } },
  'POST /api/v1/notes': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'POST', '/api/v1/notes', { contactId: p.id, body: 'Called' }), subject: p.id };
  } },
  'PATCH /api/v1/notes/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'PATCH', `/api/v1/notes/${await noteAbout(p.id)}`, { body: 'Met at the trade fair' }), subject: p.id };
  } },
  'GET /api/v1/tasks': { purpose: 'crm.list', run: async (as) => {
    const p = await person();
    await taskAbout(p.id);
    return { res: await call(as, 'GET', `/api/v1/tasks?contactId=${p.id}`), subject: p.id };
  } },
  'GET /api/v1/tasks/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'GET', `/api/v1/tasks/${await taskAbout(p.id)}`), subject: p.id };
  } },
  'POST /api/v1/tasks': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'POST', '/api/v1/tasks', { title: 'Send the offer', contactId: p.id }), subject: p.id };
  } },
  'PATCH /api/v1/tasks/:id': { purpose: 'crm.view', run: async (as) => {
    const p = await person();
    return { res: await call(as, 'PATCH', `/api/v1/tasks/${await taskAbout(p.id)}`, { done: true }), subject: p.id };
  } },
};

/** The read events a response's request wrote. */
const readsOf = (res: LightMyRequestResponse) => asOwner<{ action: string; purpose: string; subject_ids: string[] }>(h.t,
  `select action, purpose, subject_ids from audit_events where workspace_id = $1 and request_id = $2 and action = 'contact.read' order by id`,
  [ws.workspaceId, String(res.headers['x-request-id'])]);

/**
 * A caller without contacts:export whose budget no one else shares: a token
 * (read, write, delete: every route above) made by a member who reads nothing.
 */
async function reader(): Promise<Headers> {
  const maker = await signInAs(h, ws.workspaceId, 'admin');
  return { authorization: `Bearer ${await tokenFor(h, ws.workspaceId, ['contacts:read', 'contacts:write', 'contacts:delete'], maker.userId)}` };
}

beforeAll(async () => {
  h = await createTestApp({ onRoute: (r) => void routes.push(r) });
  const made = await makeWorkspace(h);
  ws = { workspaceId: made.workspaceId, owner: await signInAs(h, made.workspaceId, 'owner', { userId: made.ownerId, email: made.ownerEmail }) };
  await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => updateWorkspaceSettings(trx, h.ctx.vault, ws.workspaceId, { readBudgetPerHour: BUDGET }));
  fillers = [];
  for (let i = 1; i < BUDGET; i++) fillers.push((await person()).id);
});
afterAll(async () => {
  await h?.close();
});

describe('every route whose answer carries a personal field', () => {
  it('is in the table (a new one must be added, with how to prove it counted)', () => {
    // HEAD runs its GET's handler: covered by the GET's entry.
    const personal = routes
      .filter((r) => String(r.method) !== 'HEAD' && personalFieldsOf(r).length > 0)
      .map((r) => `${String(r.method)} ${r.url}`)
      .sort();
    expect(personal.length).toBeGreaterThan(10);
    expect(personal).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('%s is recorded for the person shown, and refused past the budget', async (route, c) => {
    const declared = routes.find((r) => `${String(r.method)} ${r.url}` === route)?.config?.reads;
    expect(declared).toBe(c.purpose);
    const as = await reader();
    const shown = await c.run(as);
    expect(shown.res.statusCode, shown.res.body).toBeLessThan(300);
    const events = await readsOf(shown.res);
    expect(events.map((e) => e.purpose)).toEqual([c.purpose]);
    expect(events[0]?.subject_ids).toContain(shown.subject);
    // Fill the budget with other people, then the same route on someone new: 429, nothing shown, nothing recorded.
    for (const id of fillers) expect((await call(as, 'GET', `/api/v1/contacts/${id}`)).statusCode).toBe(200);
    const refused = await c.run(as);
    expect(refused.res.statusCode, refused.res.body).toBe(429);
    expect(refused.res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.res.body).not.toContain('Pat');
    expect(await readsOf(refused.res)).toEqual([]);
  });
});

describe('HEAD of a route that shows people', () => {
  it('runs its GET and is recorded like it', async () => {
    const as = await reader();
    const p = await person();
    const res = await h.app.inject({ method: 'HEAD', url: `/api/v1/contacts/${p.id}`, headers: as });
    expect(res.statusCode).toBe(200);
    expect((await readsOf(res)).map((e) => [e.purpose, e.subject_ids])).toEqual([['crm.view', [p.id]]]);
  });
});

describe('PATCH that changes nothing', () => {
  const writes = async (): Promise<string[]> => (await asOwner<{ action: string }>(h.t,
    `select action from audit_events where workspace_id = $1 and action ~ '^(contact|deal|note|task)\\.(updated|moved)$' order by id`, [ws.workspaceId])).map((e) => e.action);
  const versionOf = async (table: 'deals' | 'notes' | 'tasks', id: string) => (await asOwner<{ v: number; at: Date }>(h.t,
    `select record_version as v, updated_at as at from ${table} where workspace_id = $1 and id = $2`, [ws.workspaceId, id]))[0];

  it('past the budget is refused like a GET: the 429 a sales member got on reading stays a 429 on PATCH {}', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const asSales = { cookie: sales.cookie };
    const [first, other] = [await person(), await person()];
    for (const id of [...fillers, first.id]) expect((await call(asSales, 'GET', `/api/v1/contacts/${id}`)).statusCode).toBe(200);
    expect((await call(asSales, 'GET', `/api/v1/contacts/${other.id}`)).statusCode).toBe(429);
    const patched = await call(sales.headers, 'PATCH', `/api/v1/contacts/${other.id}`, {});
    expect(patched.statusCode).toBe(429);
    expect(patched.body).not.toContain(other.email);
    // A real change past the budget is refused whole: nothing written.
    expect((await call(sales.headers, 'PATCH', `/api/v1/contacts/${other.id}`, { jobTitle: 'Buyer' })).statusCode).toBe(429);
    expect((await call(owner(), 'GET', `/api/v1/contacts/${other.id}`)).json()).toMatchObject({ jobTitle: null, recordVersion: 1 });
    // Someone they read already is no new person: still shown.
    expect((await call(sales.headers, 'PATCH', `/api/v1/contacts/${first.id}`, {})).statusCode).toBe(200);
  });

  it('bumps no version, keeps updatedAt and writes no updated event, for contacts, deals, notes and tasks', async () => {
    const p = await person();
    const [deal, note, task] = [await dealAbout(p.id), await noteAbout(p.id), await taskAbout(p.id)];
    const before = await writes();
    const contact = (await call(owner(), 'GET', `/api/v1/contacts/${p.id}`)).json<{ recordVersion: number; updatedAt: string }>();
    const stored = { deal: await versionOf('deals', deal), note: await versionOf('notes', note), task: await versionOf('tasks', task) };
    for (const patch of [{}, { firstName: 'Pat', emails: [{ address: p.email.toUpperCase() }] }]) {
      const r = await call(owner(), 'PATCH', `/api/v1/contacts/${p.id}`, patch);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ recordVersion: contact.recordVersion, updatedAt: contact.updatedAt, firstName: 'Pat' });
    }
    for (const patch of [{}, { title: 'An order' }, { description: null }]) {
      const r = await call(owner(), 'PATCH', `/api/v1/deals/${deal}`, patch);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ title: 'An order' });
    }
    expect((await call(owner(), 'PATCH', `/api/v1/notes/${note}`, { body: 'Met at the fair' })).statusCode).toBe(200);
    for (const patch of [{}, { done: false }, { title: 'Call back' }]) expect((await call(owner(), 'PATCH', `/api/v1/tasks/${task}`, patch)).statusCode).toBe(200);
    expect({ deal: await versionOf('deals', deal), note: await versionOf('notes', note), task: await versionOf('tasks', task) }).toEqual(stored);
    expect(await writes()).toEqual(before);
    // A real change still is one.
    expect((await call(owner(), 'PATCH', `/api/v1/contacts/${p.id}`, { jobTitle: 'Buyer' })).json()).toMatchObject({ recordVersion: contact.recordVersion + 1, jobTitle: 'Buyer' });
    expect((await call(owner(), 'PATCH', `/api/v1/tasks/${task}`, { done: true })).json()).toMatchObject({ done: true });
    expect((await writes()).slice(before.length)).toEqual(['contact.updated', 'task.updated']);
  });
});
