/**
 * Idempotency-Key on every create of the CRM (API.md "Conventions"), and the
 * hourly purge of rows past their 24 hours, driven by a clock argument.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, contactsApp, created, workspace, type Ws } from '../../modules/contacts/contacts.test-helper.js';
import { purgeIdempotencyKeys } from './idempotency.js';

let h: TestApp;
let clock = new Date('2024-05-01T10:00:00Z');
beforeAll(async () => {
  h = await contactsApp(() => clock);
});
afterAll(async () => {
  await h.close();
});

type Json = Record<string, unknown>;
const post = (who: SignedIn, url: string, key: string | null, payload: Json) =>
  h.app.inject({ method: 'POST', url, headers: { ...who.headers, ...(key ? { 'idempotency-key': key } : {}) }, payload });
/** A token's headers: unlike a session, it outlives the test's jumps of the clock. */
const bearer = async (ws: Ws) => ({ authorization: `Bearer ${await tokenFor(h, ws.workspaceId, ['contacts:read', 'contacts:write'], ws.owner.userId)}` });
const postAs = (headers: Record<string, string>, url: string, key: string, payload: Json) =>
  h.app.inject({ method: 'POST', url, headers: { ...headers, 'idempotency-key': key }, payload });
const count = async (table: string, ws: string): Promise<number> =>
  // `table` comes from the literal cases below, never from input.
  (await asOwner<{ n: number }>(h.t, `select count(*)::int as n from ${table} where workspace_id = $1`, [ws]))[0]!.n;

interface Case {
  name: string;
  table: string;
  /** Makes what the create needs (a contact, a pipeline) in the case's workspace; returns the URL and two different bodies. */
  setup: (ws: Ws) => Promise<{ url: string; body: Json; other: Json }>;
  /** The answer's id that a replay must repeat. */
  idOf?: (answer: Json) => unknown;
}

const person = async (ws: Ws) => created(await api(h).create(ws.owner, { firstName: 'Ida', lastName: 'Em' }));

const CASES: Case[] = [
  { name: 'companies', table: 'companies', setup: async () => ({ url: '/api/v1/companies', body: { name: 'Acme' }, other: { name: 'Acme Two' } }) },
  {
    name: 'deals', table: 'deals',
    setup: async (ws) => {
      const contactId = await person(ws);
      return { url: '/api/v1/deals', body: { title: 'Pilot', contactId }, other: { title: 'Pilot', contactId, amountCents: 5 } };
    },
  },
  {
    name: 'pipelines', table: 'pipelines',
    setup: async (ws) => {
      // The default pipeline is made on first use: make it before counting.
      await h.app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { cookie: ws.owner.cookie } });
      return { url: '/api/v1/pipelines', body: { name: 'Renewals' }, other: { name: 'Upsell' } };
    },
  },
  {
    name: 'pipeline stages', table: 'pipeline_stages', idOf: (a) => (a.stages as unknown[]).length,
    setup: async (ws) => {
      const p = await post(ws.owner, '/api/v1/pipelines', null, { name: 'Renewals', stages: [{ name: 'Due' }] });
      return { url: `/api/v1/pipelines/${p.json<{ id: string }>().id}/stages`, body: { name: 'Renewed', kind: 'won' }, other: { name: 'Churned', kind: 'lost' } };
    },
  },
  {
    name: 'notes', table: 'notes',
    setup: async (ws) => {
      const contactId = await person(ws);
      return { url: '/api/v1/notes', body: { contactId, body: 'Met at the fair' }, other: { contactId, body: 'Met at the station' } };
    },
  },
  {
    name: 'tasks', table: 'tasks',
    setup: async (ws) => {
      const contactId = await person(ws);
      return { url: '/api/v1/tasks', body: { title: 'Call back', contactId }, other: { title: 'Call back', contactId, done: true } };
    },
  },
  { name: 'segments', table: 'segments', setup: async () => ({ url: '/api/v1/segments', body: { name: 'All', conditions: [] }, other: { name: 'All', conditions: [{ type: 'lawfulBasis', op: 'is', value: 'consent' }] } }) },
  {
    name: 'custom fields', table: 'custom_fields',
    setup: async () => ({ url: '/api/v1/custom-fields', body: { key: 'shoeSize', label: 'Shoe size', type: 'number', dataCategory: 'behavioural' }, other: { key: 'shoeWidth', label: 'Shoe width', type: 'number', dataCategory: 'behavioural' } }),
  },
];

describe('Idempotency-Key on every CRM create', () => {
  for (const c of CASES) {
    it(`${c.name}: same key and body replay the first result; another body is a 422; keys are per actor`, async () => {
      const ws = await workspace(h);
      const { url, body, other } = await c.setup(ws);
      const idOf = c.idOf ?? ((a: Json) => a.id);
      const before = await count(c.table, ws.workspaceId);
      const first = await post(ws.owner, url, 'key-1', body);
      expect(first.statusCode, first.body).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(await count(c.table, ws.workspaceId)).toBe(before + 1);

      const again = await post(ws.owner, url, 'key-1', body);
      expect(again.statusCode, again.body).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(idOf(again.json())).toEqual(idOf(first.json()));
      expect(again.json()).toEqual(first.json());
      expect(await count(c.table, ws.workspaceId)).toBe(before + 1);

      const reused = await post(ws.owner, url, 'key-1', other);
      expect(reused.statusCode).toBe(422);
      expect(reused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(reused.json<{ type: string }>().type).toMatch(/\/idempotency-key-reused$/);
      expect(await count(c.table, ws.workspaceId)).toBe(before + 1);

      // Another member's identical key and body is their own request: never a replay of the owner's
      // (a custom field's key is unique, so there it is the create's own 409).
      const admin = await signInAs(h, ws.workspaceId, 'admin');
      const theirs = await post(admin, url, 'key-1', body);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.statusCode, theirs.body).toBe(c.name === 'custom fields' ? 409 : 201);
      const afterAdmin = await count(c.table, ws.workspaceId);
      expect(afterAdmin).toBe(before + (c.name === 'custom fields' ? 1 : 2));
      const malformed = await h.app.inject({ method: 'POST', url, headers: { ...ws.owner.headers, 'idempotency-key': 'bad key' }, payload: other });
      expect(malformed.statusCode).toBe(400);
      const fresh = await post(ws.owner, url, 'key-2', other);
      expect(fresh.statusCode, fresh.body).toBe(201);
      expect(fresh.headers['idempotent-replayed']).toBeUndefined();
      expect(await count(c.table, ws.workspaceId)).toBe(afterAdmin + 1);
    });
  }

  it('a failed create keeps the key free; a replay is recorded as a read and follows a deletion (404)', async () => {
    const ws = await workspace(h);
    const bad = await post(ws.owner, '/api/v1/deals', 'deal-key', { title: 'Pilot', contactId: '00000000-0000-4000-8000-000000000000' });
    expect(bad.statusCode).toBe(422);
    const contactId = await person(ws);
    const first = await post(ws.owner, '/api/v1/deals', 'deal-key', { title: 'Pilot', contactId });
    expect(first.statusCode, first.body).toBe(201);
    const id = first.json<{ id: string }>().id;
    const replay = await post(ws.owner, '/api/v1/deals', 'deal-key', { title: 'Pilot', contactId });
    // The create's answer and the replay's both show the contact: each is a read.
    const readsOf = (res: typeof replay) => asOwner<{ purpose: string; subject_ids: string[] }>(h.t,
      `select purpose, subject_ids from audit_events where workspace_id = $1 and action = 'contact.read' and request_id = $2 order by id`, [ws.workspaceId, String(res.headers['x-request-id'])]);
    expect(await readsOf(first)).toEqual([{ purpose: 'crm.view', subject_ids: [contactId] }]);
    expect(await readsOf(replay)).toEqual([{ purpose: 'crm.view', subject_ids: [contactId] }]);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/deals/${id}`, headers: ws.owner.headers })).statusCode).toBe(204);
    const gone = await post(ws.owner, '/api/v1/deals', 'deal-key', { title: 'Pilot', contactId });
    expect(gone.statusCode).toBe(404);
    expect(await count('deals', ws.workspaceId)).toBe(0);
  });

  it('the same key and body on another pipeline is another request (422), never a replay of the first pipeline', async () => {
    const ws = await workspace(h);
    const a = (await post(ws.owner, '/api/v1/pipelines', null, { name: 'A' })).json<{ id: string }>().id;
    const b = (await post(ws.owner, '/api/v1/pipelines', null, { name: 'B' })).json<{ id: string }>().id;
    const onA = await post(ws.owner, `/api/v1/pipelines/${a}/stages`, 'stage-key', { name: 'Due' });
    expect(onA.json<{ id: string }>().id).toBe(a);
    const onB = await post(ws.owner, `/api/v1/pipelines/${b}/stages`, 'stage-key', { name: 'Due' });
    expect(onB.statusCode).toBe(422);
    expect(onB.json<{ type: string }>().type).toMatch(/\/idempotency-key-reused$/);
    expect(await count('pipeline_stages', ws.workspaceId)).toBe(1 + 6);
  });
});

describe('purging Idempotency-Key rows', () => {
  it('deletes rows older than 24 hours in every workspace, keeps younger ones; the key then creates anew', async () => {
    const start = new Date('2024-06-01T08:00:00Z');
    clock = start;
    await purgeIdempotencyKeys(h.ctx.db, start); // the earlier tests' rows (a month older)
    const a = await workspace(h);
    const b = await workspace(h);
    const [ta, tb] = [await bearer(a), await bearer(b)];
    expect((await postAs(ta, '/api/v1/companies', 'old-a', { name: 'Old A' })).statusCode).toBe(201);
    expect((await postAs(tb, '/api/v1/companies', 'old-b', { name: 'Old B' })).statusCode).toBe(201);
    clock = new Date(start.getTime() + 12 * 3_600_000);
    expect((await postAs(ta, '/api/v1/companies', 'young-a', { name: 'Young A' })).statusCode).toBe(201);
    const keys = async () => (await asOwner<{ key: string }>(h.t,
      'select key from idempotency_keys where workspace_id = any($1::uuid[]) order by key', [[a.workspaceId, b.workspaceId]])).map((r) => r.key);
    expect(await keys()).toEqual(['old-a', 'old-b', 'young-a']);

    // Just under 24 hours: nothing is old enough.
    expect(await purgeIdempotencyKeys(h.ctx.db, new Date(start.getTime() + 24 * 3_600_000 - 1000))).toBe(0);
    expect(await keys()).toEqual(['old-a', 'old-b', 'young-a']);
    const later = new Date(start.getTime() + 24 * 3_600_000 + 1000);
    expect(await purgeIdempotencyKeys(h.ctx.db, later)).toBe(2);
    expect(await keys()).toEqual(['young-a']);

    clock = later;
    const reused = await postAs(ta, '/api/v1/companies', 'old-a', { name: 'New A' });
    expect(reused.statusCode).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
  });

  it('runs as the recurring job http.idempotency_purge', async () => {
    const start = new Date('2024-07-01T08:00:00Z');
    clock = start;
    const ws = await workspace(h);
    expect((await postAs(await bearer(ws), '/api/v1/segments', 'job-key', { name: 'All', conditions: [] })).statusCode).toBe(201);
    const runAt = new Date(start.getTime() + 25 * 3_600_000);
    expect(await asOwner(h.t, `select kind from jobs where kind = 'http.idempotency_purge'`)).toEqual([]);
    // Every recurring kind is due at once; a round claims a few: run rounds until none is left.
    for (let round = 0; round < 10 && (await h.ctx.jobs.runOnce(runAt)).claimed > 0; round += 1);
    const ran = await asOwner<{ state: string }>(h.t, `select state from jobs where kind = 'http.idempotency_purge' and state = 'done'`);
    expect(ran).toHaveLength(1);
    expect(await asOwner(h.t, 'select key from idempotency_keys where workspace_id = $1', [ws.workspaceId])).toEqual([]);
  });
});
