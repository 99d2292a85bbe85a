import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import type { SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, created, workspace } from '../contacts/contacts.test-helper.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

const send = (who: SignedIn, method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) =>
  h.app.inject({ method, url, headers: who.headers, payload });

describe('merging carries notes, tasks and deals over', () => {
  it("reseals the merged person's notes, tasks and deals under the kept person's key", async () => {
    const ws = await workspace(h);
    const keep = created(await api(h).create(ws.owner, { firstName: 'Ana', lastName: 'Lima', emails: [{ address: 'ana@lima.example' }] }));
    const dupe = created(await api(h).create(ws.owner, { firstName: 'Ana', lastName: 'Lima', emails: [{ address: 'ana.lima@work.example' }] }));
    expect((await send(ws.owner, 'POST', '/api/v1/notes', { contactId: dupe, body: 'Prefers mornings' })).statusCode).toBe(201);
    expect((await send(ws.owner, 'POST', '/api/v1/tasks', { contactId: dupe, title: 'Call back' })).statusCode).toBe(201);
    expect((await send(ws.owner, 'POST', '/api/v1/deals', { contactId: dupe, title: 'Renewal' })).statusCode).toBe(201);

    const merged = await send(ws.owner, 'POST', '/api/v1/contacts/merge', { keepId: keep, mergeId: dupe });
    expect(merged.statusCode, merged.body).toBe(200);

    const timeline = await h.app.inject({ method: 'GET', url: `/api/v1/contacts/${keep}/timeline`, headers: { cookie: ws.owner.cookie } });
    const texts = timeline.json<{ items: Array<{ kind: string; text: string | null }> }>().items.filter((i) => i.kind !== 'change');
    expect(texts.map((i) => [i.kind, i.text]).sort()).toEqual([['deal', 'Renewal'], ['note', 'Prefers mornings'], ['task', 'Call back']]);
    const left = await asOwner<{ n: number }>(
      h.t,
      `select (select count(*) from notes where contact_id = $1) + (select count(*) from tasks where subject_id = $1) + (select count(*) from deals where subject_id = $1) as n`,
      [dupe],
    );
    expect(Number(left[0]!.n)).toBe(0);
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/contacts/${dupe}`, headers: { cookie: ws.owner.cookie } })).statusCode).toBe(404);
  });
});
