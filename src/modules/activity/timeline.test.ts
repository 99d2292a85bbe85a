import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
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
const get = (who: SignedIn, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

interface Item { kind: string; text: string | null; detail: string | null; at: string }

describe("a contact's timeline", () => {
  it('merges notes, tasks, deals and record changes, newest first, and the read is audited', async () => {
    const ws = await workspace(h);
    const id = created(await api(h).create(ws.owner, { firstName: 'Élise', lastName: 'Moreau', emails: [{ address: 'elise@moreau.example' }] }));
    expect((await send(ws.owner, 'POST', '/api/v1/notes', { contactId: id, body: 'Met at the fair' })).statusCode).toBe(201);
    expect((await send(ws.owner, 'POST', '/api/v1/tasks', { contactId: id, title: 'Send the brochure' })).statusCode).toBe(201);
    expect((await send(ws.owner, 'POST', '/api/v1/deals', { contactId: id, title: 'Pilot licence' })).statusCode).toBe(201);
    expect((await send(ws.owner, 'PATCH', `/api/v1/contacts/${id}`, { jobTitle: 'Buyer' })).statusCode).toBe(200);

    const res = await get(ws.owner, `/api/v1/contacts/${id}/timeline`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: Item[] }>().items;
    expect(items.map((i) => i.kind).sort()).toEqual(['change', 'change', 'deal', 'note', 'task']);
    expect(items.find((i) => i.kind === 'note')?.text).toBe('Met at the fair');
    expect(items.find((i) => i.kind === 'task')).toMatchObject({ text: 'Send the brochure', detail: 'open' });
    expect(items.find((i) => i.kind === 'deal')?.text).toBe('Pilot licence');
    expect(items.filter((i) => i.kind === 'change').map((i) => i.detail).sort()).toEqual(['contact.created', 'contact.updated']);
    const times = items.map((i) => i.at);
    expect(times).toEqual([...times].sort().reverse());

    const reads = await asOwner<{ subject_ids: string[]; purpose: string }>(
      h.t,
      `select subject_ids, purpose from audit_events where workspace_id = $1 and action = 'contact.read' order by id desc limit 1`,
      [ws.workspaceId],
    );
    expect(reads[0]).toEqual({ subject_ids: [id], purpose: 'crm.view' });
  });

  it("answers 404 for another workspace's contact and for roles without contacts:read", async () => {
    const a = await workspace(h);
    const b = await workspace(h);
    const id = created(await api(h).create(a.owner, { firstName: 'Jon', lastName: 'Snow', emails: [{ address: 'jon@snow.example' }] }));
    expect((await get(b.owner, `/api/v1/contacts/${id}/timeline`)).statusCode).toBe(404);
    const auditor = await signInAs(h, a.workspaceId, 'auditor');
    expect((await get(auditor, `/api/v1/contacts/${id}/timeline`)).statusCode).toBe(403);
  });
});
