import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { tokenFor } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { basics, contactsApp, workspace } from '../../modules/contacts/contacts.test-helper.js';

let h: TestApp;
let clock = new Date('2024-05-01T10:00:00Z');
beforeAll(async () => {
  h = await contactsApp(() => clock);
});
afterAll(async () => {
  await h.close();
});

const post = (headers: Record<string, string>, key: string | null, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) }, payload: { ...basics, ...payload } });

const countContacts = async (ws: string) => (await asOwner<{ n: number }>(h.t, 'select count(*)::int as n from contacts where workspace_id = $1', [ws]))[0]!.n;

describe('Idempotency-Key on POST /contacts', () => {
  it('a replay returns the same contact, creates nothing, and is recorded as a read', async () => {
    const ws = await workspace(h);
    const body = { firstName: 'Ida', lastName: 'Em', emails: [{ address: 'ida@em.example' }] };
    const first = await post(ws.owner.headers, 'k-1', body);
    expect(first.statusCode).toBe(201);
    const again = await post(ws.owner.headers, 'k-1', body);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    expect(await countContacts(ws.workspaceId)).toBe(1);
    const events = await asOwner<{ action: string; purpose: string | null }>(h.t, 'select action, purpose from audit_events where $1 = any(subject_ids) order by id', [first.json<{ id: string }>().id]);
    // The create's answer shows the person back, and so does the replay's: a read each.
    expect(events).toEqual([{ action: 'contact.created', purpose: null }, { action: 'contact.read', purpose: 'crm.view' }, { action: 'contact.read', purpose: 'crm.view' }]);
    // The table holds no personal value: a keyed hash and ids.
    const rows = await asOwner<Record<string, unknown>>(h.t, 'select * from idempotency_keys where workspace_id = $1', [ws.workspaceId]);
    expect(JSON.stringify(rows)).not.toContain('ida');
  });

  it('the same key with another body is a 422 /idempotency-key-reused', async () => {
    const ws = await workspace(h);
    expect((await post(ws.owner.headers, 'k-2', { firstName: 'A', lastName: 'One' })).statusCode).toBe(201);
    const r = await post(ws.owner.headers, 'k-2', { firstName: 'A', lastName: 'Two' });
    expect(r.statusCode).toBe(422);
    expect(r.json<{ type: string }>().type).toMatch(/\/idempotency-key-reused$/);
    expect(await countContacts(ws.workspaceId)).toBe(1);
  });

  it('keys are per actor and last 24 hours; a failed create keeps no key; a bad key is a 400', async () => {
    const ws = await workspace(h);
    const token = await tokenFor(h, ws.workspaceId, ['contacts:read', 'contacts:write'], ws.owner.userId);
    const asToken = { authorization: `Bearer ${token}` };
    const owner = ws.owner;
    expect((await post(owner.headers, 'k-3', { firstName: 'B', lastName: 'One' })).statusCode).toBe(201);
    expect((await post(asToken, 'k-3', { firstName: 'B', lastName: 'Two' })).statusCode).toBe(201);
    expect((await post(owner.headers, 'k-4', { lastName: 'Bad', emails: [{ address: 'nope' }] })).statusCode).toBe(422);
    expect((await post(owner.headers, 'k-4', { firstName: 'C', lastName: 'Fine' })).statusCode).toBe(201);
    clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000 + 1000);
    expect((await post(asToken, 'k-3', { firstName: 'B', lastName: 'Three' })).statusCode).toBe(201);
    expect((await post(asToken, 'bad key with spaces', { firstName: 'D', lastName: 'X' })).statusCode).toBe(400);
    expect(await countContacts(ws.workspaceId)).toBe(4);
  });
});
