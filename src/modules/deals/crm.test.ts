/**
 * Pipelines, deals, notes and tasks through the API: CRUD, board moves,
 * audited personal reads, tenancy, roles, erasure and the plaintext scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, created, workspace, type Ws } from '../contacts/contacts.test-helper.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

type Json = Record<string, unknown>;
const send = (who: SignedIn, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json) =>
  h.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const get = (who: SignedIn, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

async function person(ws: Ws, first: string, last: string): Promise<string> {
  return created(await api(h).create(ws.owner, { firstName: first, lastName: last, emails: [{ address: `${first}.${last}@people.example`.toLowerCase() }] }));
}
async function reads(ws: Ws, action = 'contact.read'): Promise<Array<{ purpose: string; subject_ids: string[] }>> {
  return asOwner(h.t, `select purpose, subject_ids from audit_events where workspace_id = $1 and action = $2 order by id`, [ws.workspaceId, action]);
}

describe('pipelines and deals', () => {
  it('makes the default pipeline on first use; creates, moves, changes and deletes deals; audits', async () => {
    const ws = await workspace(h);
    const pipes = (await get(ws.owner, '/api/v1/pipelines')).json<{ items: Array<{ id: string; stages: Array<{ id: string; name: string }> }> }>().items;
    expect(pipes).toHaveLength(1);
    const stages = pipes[0]!.stages;
    expect(stages.map((s) => s.name)).toEqual(['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    const anna = await person(ws, 'Anna', 'Berg');
    const d1 = await send(ws.owner, 'POST', '/api/v1/deals', { title: 'Big order', description: 'Ten crates', amountCents: 150000, currency: 'EUR', expectedClose: '2030-05-01', contactId: anna });
    expect(d1.statusCode, d1.body).toBe(201);
    const deal = d1.json<{ id: string; stageId: string; position: number }>();
    expect(d1.json()).toMatchObject({ title: 'Big order', contactName: 'Anna Berg', stageId: stages[0]!.id, position: 0, amountCents: 150000, expectedClose: '2030-05-01', erased: false });
    const d2 = (await send(ws.owner, 'POST', '/api/v1/deals', { title: 'Small order', stageId: stages[1]!.id })).json<{ id: string }>();

    const moved = await send(ws.owner, 'PATCH', `/api/v1/deals/${deal.id}`, { stageId: stages[1]!.id, position: 0 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ stageId: stages[1]!.id, position: 0, title: 'Big order' });
    const board = (await get(ws.owner, `/api/v1/deals?stageId=${stages[1]!.id}`)).json<{ items: Array<{ id: string; position: number }> }>().items;
    expect(board.map((d) => [d.id, d.position])).toEqual([[deal.id, 0], [d2.id, 1]]);
    expect((await send(ws.owner, 'PATCH', `/api/v1/deals/${deal.id}`, { title: 'Bigger order' })).json()).toMatchObject({ title: 'Bigger order', description: 'Ten crates' });
    expect((await get(ws.owner, `/api/v1/deals?contactId=${anna}`)).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await send(ws.owner, 'DELETE', `/api/v1/deals/${d2.id}`)).statusCode).toBe(204);
    expect((await get(ws.owner, `/api/v1/deals/${d2.id}`)).statusCode).toBe(404);
    expect((await send(ws.owner, 'DELETE', `/api/v1/pipelines/${pipes[0]!.id}/stages/${stages[1]!.id}`)).statusCode).toBe(409);

    const events = await asOwner<{ action: string; subject_ids: string[] }>(h.t, `select action, subject_ids from audit_events where workspace_id = $1 and action like 'deal.%' order by id`, [ws.workspaceId]);
    expect(events.map((e) => e.action)).toEqual(['deal.created', 'deal.created', 'deal.moved', 'deal.updated', 'deal.deleted']);
    expect(events[0]!.subject_ids).toEqual([anna]);
    // the list with Anna's name is one read event naming her; the other list (no names shown) none
    const listReads = (await reads(ws)).filter((r) => r.purpose === 'crm.list');
    expect(listReads.map((r) => r.subject_ids)).toEqual([[anna], [anna]]);
  });

  it('pipelines and stages: managed by workspace:manage only', async () => {
    const ws = await workspace(h);
    const p = await send(ws.owner, 'POST', '/api/v1/pipelines', { name: 'Renewals', stages: [{ name: 'Due' }, { name: 'Renewed', kind: 'won', probability: 100 }] });
    expect(p.statusCode, p.body).toBe(201);
    const id = p.json<{ id: string }>().id;
    const added = await send(ws.owner, 'POST', `/api/v1/pipelines/${id}/stages`, { name: 'Churned', kind: 'lost' });
    expect(added.json<{ stages: Array<{ name: string }> }>().stages.map((s) => s.name)).toEqual(['Due', 'Renewed', 'Churned']);
    expect((await send(ws.owner, 'PATCH', `/api/v1/pipelines/${id}`, { name: 'Renewals 2' })).json()).toMatchObject({ name: 'Renewals 2' });
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await send(sales, 'POST', '/api/v1/pipelines', { name: 'Mine' })).statusCode).toBe(403);
    expect((await get(sales, '/api/v1/pipelines')).json<{ items: unknown[] }>().items).toHaveLength(2);
    expect((await send(ws.owner, 'DELETE', `/api/v1/pipelines/${id}`)).statusCode).toBe(204);
  });
});

describe('notes and tasks', () => {
  it('CRUD, toggling done, reads audited with the shown contact ids', async () => {
    const ws = await workspace(h);
    const bo = await person(ws, 'Bo', 'Lind');
    const n = await send(ws.owner, 'POST', '/api/v1/notes', { contactId: bo, body: 'Met at the fair' });
    expect(n.statusCode, n.body).toBe(201);
    const noteId = n.json<{ id: string }>().id;
    expect((await send(ws.owner, 'PATCH', `/api/v1/notes/${noteId}`, { body: 'Met at the trade fair' })).json()).toMatchObject({ body: 'Met at the trade fair' });
    const notes = await get(ws.owner, `/api/v1/notes?contactId=${bo}`);
    expect(notes.json<{ items: Array<{ body: string }> }>().items.map((i) => i.body)).toEqual(['Met at the trade fair']);
    expect((await get(ws.owner, '/api/v1/notes')).statusCode).toBe(422);

    const t = await send(ws.owner, 'POST', '/api/v1/tasks', { title: 'Call back', contactId: bo, assigneeId: ws.owner.userId, dueAt: '2030-01-02T10:00:00Z' });
    expect(t.statusCode, t.body).toBe(201);
    const taskId = t.json<{ id: string }>().id;
    expect((await send(ws.owner, 'PATCH', `/api/v1/tasks/${taskId}`, { done: true })).json()).toMatchObject({ done: true, title: 'Call back' });
    expect((await get(ws.owner, `/api/v1/tasks?done=false`)).json<{ items: unknown[] }>().items).toHaveLength(0);
    const open = await get(ws.owner, `/api/v1/tasks?assigneeId=${ws.owner.userId}&done=true`);
    expect(open.json<{ items: Array<{ contactName: string }> }>().items.map((i) => i.contactName)).toEqual(['Bo Lind']);
    expect((await send(ws.owner, 'PATCH', `/api/v1/tasks/${taskId}`, { done: false })).json()).toMatchObject({ done: false, doneAt: null });
    expect((await send(ws.owner, 'POST', '/api/v1/tasks', { title: 'x', assigneeId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(422);

    // Every answer that showed Bo's data is a read, the creates and changes that echo it too.
    const r = await reads(ws);
    const view = ['crm.view', [bo]];
    // Bo's creation, the note's creation, its change, the notes list; the task's creation, done; the list; undone.
    expect(r.map((e) => [e.purpose, e.subject_ids])).toEqual([view, view, view, view, view, view, ['crm.list', [bo]], view]);
    expect((await send(ws.owner, 'DELETE', `/api/v1/tasks/${taskId}`)).statusCode).toBe(204);
    expect((await send(ws.owner, 'DELETE', `/api/v1/notes/${noteId}`)).statusCode).toBe(204);
    const writes = await asOwner<{ action: string }>(h.t, `select action from audit_events where workspace_id = $1 and (action like 'note.%' or action like 'task.%') order by id`, [ws.workspaceId]);
    expect(writes.map((e) => e.action)).toEqual(['note.created', 'note.updated', 'task.created', 'task.updated', 'task.updated', 'task.deleted', 'note.deleted']);
  });

  it('another workspace gets 404; support reads but cannot write', async () => {
    const a = await workspace(h);
    const b = await workspace(h);
    const cid = await person(a, 'Cy', 'Moss');
    const deal = (await send(a.owner, 'POST', '/api/v1/deals', { title: 'Private', contactId: cid })).json<{ id: string }>().id;
    const note = (await send(a.owner, 'POST', '/api/v1/notes', { contactId: cid, body: 'Private note' })).json<{ id: string }>().id;
    const task = (await send(a.owner, 'POST', '/api/v1/tasks', { title: 'Private task' })).json<{ id: string }>().id;
    expect((await get(b.owner, `/api/v1/deals/${deal}`)).statusCode).toBe(404);
    expect((await send(b.owner, 'PATCH', `/api/v1/deals/${deal}`, { title: 'Mine' })).statusCode).toBe(404);
    expect((await get(b.owner, `/api/v1/notes?contactId=${cid}`)).statusCode).toBe(404);
    expect((await send(b.owner, 'PATCH', `/api/v1/notes/${note}`, { body: 'x' })).statusCode).toBe(404);
    expect((await send(b.owner, 'DELETE', `/api/v1/tasks/${task}`)).statusCode).toBe(404);
    expect((await send(b.owner, 'POST', '/api/v1/deals', { title: 'x', contactId: cid })).statusCode).toBe(422);
    const support = await signInAs(h, a.workspaceId, 'support');
    expect((await get(support, '/api/v1/deals')).statusCode).toBe(200);
    expect((await get(support, `/api/v1/notes?contactId=${cid}`)).statusCode).toBe(200);
    expect((await get(support, '/api/v1/tasks')).statusCode).toBe(200);
    expect((await send(support, 'POST', '/api/v1/deals', { title: 'x' })).statusCode).toBe(403);
    expect((await send(support, 'PATCH', `/api/v1/deals/${deal}`, { stageId: deal })).statusCode).toBe(403);
    expect((await send(support, 'POST', '/api/v1/notes', { contactId: cid, body: 'x' })).statusCode).toBe(403);
    expect((await send(support, 'PATCH', `/api/v1/tasks/${task}`, { done: true })).statusCode).toBe(403);
  });

  it('erasing a contact: notes go, deal and task text read as erased, lists still answer', async () => {
    const ws = await workspace(h);
    const dee = await person(ws, 'Dee', 'Hart');
    const other = await person(ws, 'Eli', 'Rowe');
    await send(ws.owner, 'POST', '/api/v1/notes', { contactId: dee, body: 'About Dee' });
    const deal = (await send(ws.owner, 'POST', '/api/v1/deals', { title: 'Dee deal', contactId: dee })).json<{ id: string }>().id;
    await send(ws.owner, 'POST', '/api/v1/deals', { title: 'Eli deal', contactId: other });
    await send(ws.owner, 'POST', '/api/v1/tasks', { title: 'Dee task', contactId: dee });
    expect((await api(h).del(ws.owner, dee)).statusCode).toBe(204);

    const deals = await get(ws.owner, '/api/v1/deals');
    expect(deals.statusCode, deals.body).toBe(200);
    const items = deals.json<{ items: Array<{ id: string; title: string | null; erased: boolean; contactId: string | null; contactName: string | null }> }>().items;
    expect(items.find((d) => d.id === deal)).toMatchObject({ title: null, erased: true, contactId: null, contactName: null });
    expect(items.find((d) => d.id !== deal)).toMatchObject({ title: 'Eli deal', contactName: 'Eli Rowe' });
    const tasks = (await get(ws.owner, '/api/v1/tasks')).json<{ items: Array<{ title: string | null; erased: boolean }> }>().items;
    expect(tasks).toEqual([expect.objectContaining({ title: null, erased: true })]);
    expect((await get(ws.owner, `/api/v1/notes?contactId=${dee}`)).statusCode).toBe(404);
    expect(await asOwner(h.t, `select id from notes where workspace_id = $1`, [ws.workspaceId])).toEqual([]);
    expect((await send(ws.owner, 'PATCH', `/api/v1/deals/${deal}`, { description: 'x' })).statusCode).toBe(409);
    expect((await send(ws.owner, 'PATCH', `/api/v1/deals/${deal}`, { title: 'Renamed' })).json()).toMatchObject({ title: 'Renamed', erased: false });
    // the list after erasure names only the person still shown
    expect((await reads(ws)).at(-1)?.subject_ids).toEqual([other]);
  });

  it('no note, task or deal text in plaintext in any text, bytea or jsonb column', async () => {
    const ws = await workspace(h);
    const fay = await person(ws, 'Fay', 'Quist');
    const company = await h.app.inject({ method: 'POST', url: '/api/v1/companies', headers: ws.owner.headers, payload: { name: 'Probe Co' } });
    const VALUES = ['Xylonotebodyprobe', 'Zanzibardealtitle', 'Quokkadealdescription', 'Marmosettasktitle', 'Wombatcompanynote', 'Pangolinworkspacetask'];
    await send(ws.owner, 'POST', '/api/v1/notes', { contactId: fay, body: VALUES[0]! });
    await send(ws.owner, 'POST', '/api/v1/deals', { title: VALUES[1]!, description: VALUES[2]!, contactId: fay });
    await send(ws.owner, 'POST', '/api/v1/tasks', { title: VALUES[3]!, contactId: fay });
    if (company.statusCode === 201) await send(ws.owner, 'POST', '/api/v1/notes', { companyId: company.json<{ id: string }>().id, body: VALUES[4]! });
    await send(ws.owner, 'POST', '/api/v1/tasks', { title: VALUES[5]! });
    await get(ws.owner, '/api/v1/deals');
    await get(ws.owner, '/api/v1/tasks');
    const needles = VALUES.flatMap((v) => [Buffer.from(v), Buffer.from(v.toLowerCase())]);
    const cols = await asOwner<{ table_name: string; column_name: string }>(h.t, `select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'bytea', 'jsonb', 'character varying', 'json', 'ARRAY')`);
    const hits: string[] = [];
    for (const col of cols) {
      for (const { v } of await asOwner<{ v: unknown }>(h.t, `select "${col.column_name}" as v from "${col.table_name}" where "${col.column_name}" is not null`)) {
        const bytes = Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
        for (const n of needles) if (bytes.includes(n)) hits.push(`${col.table_name}.${col.column_name}`);
      }
    }
    expect(hits).toEqual([]);
    const log = Buffer.from(h.logs.text, 'utf8');
    expect(needles.filter((n) => log.includes(n)).map(String)).toEqual([]);
  });
});
