import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { testClock } from '../identity/members.test-helper.js';
import { companyExists, getCompanyNames } from './service.js';

const clock = testClock();
let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ now: clock.now });
});
afterAll(async () => {
  await h.close();
});

async function workspace() {
  const ws = await makeWorkspace(h);
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  return { ...ws, owner };
}
const create = (who: SignedIn, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/companies', headers: who.headers, payload });
const get = (who: { cookie: string }, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

describe('companies API', () => {
  it('creates, reads, changes and deletes a company; audits the writes', async () => {
    const ws = await workspace();
    const r = await create(ws.owner, {
      name: 'Acme Rockets', domain: 'ACME.example', website: 'https://acme.example', industry: 'Aerospace',
      address: { city: 'Lyon', country: 'FR' }, ownerId: ws.ownerId,
    });
    expect(r.statusCode).toBe(201);
    const c = r.json<{ id: string; domain: string; address: Record<string, unknown>; ownerId: string; updatedAt: string }>();
    expect(c).toMatchObject({ name: 'Acme Rockets', domain: 'acme.example', ownerId: ws.ownerId, notes: null });
    expect(c.address).toEqual({ street: null, city: 'Lyon', postalCode: null, region: null, country: 'FR' });
    expect((await get(ws.owner, `/api/v1/companies/${c.id}`)).json()).toEqual(r.json());

    clock.advance(1000);
    const p = await h.app.inject({ method: 'PATCH', url: `/api/v1/companies/${c.id}`, headers: ws.owner.headers, payload: { name: 'Acme Space', industry: null } });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ name: 'Acme Space', industry: null, domain: 'acme.example' });
    expect(p.json<{ updatedAt: string }>().updatedAt).not.toBe(c.updatedAt);

    const d = await h.app.inject({ method: 'DELETE', url: `/api/v1/companies/${c.id}`, headers: ws.owner.headers });
    expect(d.statusCode).toBe(204);
    expect((await get(ws.owner, `/api/v1/companies/${c.id}`)).statusCode).toBe(404);
    const events = await asOwner<{ action: string }>(h.t, `select action from audit_events where workspace_id = $1 and action like 'company.%' order by id`, [ws.workspaceId]);
    expect(events.map((e) => e.action)).toEqual(['company.created', 'company.updated', 'company.deleted']);
  });

  it('answers 404 for another workspace’s company, and 422/400 for bad input', async () => {
    const a = await workspace();
    const b = await workspace();
    const id = (await create(a.owner, { name: 'Private Ltd' })).json<{ id: string }>().id;
    expect((await get(b.owner, `/api/v1/companies/${id}`)).statusCode).toBe(404);
    const patch = await h.app.inject({ method: 'PATCH', url: `/api/v1/companies/${id}`, headers: b.owner.headers, payload: { name: 'Mine' } });
    expect(patch.statusCode).toBe(404);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/companies/${id}`, headers: b.owner.headers })).statusCode).toBe(404);
    expect((await get(a.owner, `/api/v1/companies/${id}`)).json()).toMatchObject({ name: 'Private Ltd' });
    // an owner from another workspace is not a member here
    const bad = await create(a.owner, { name: 'X Corp', ownerId: b.ownerId });
    expect(bad.statusCode).toBe(422);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('ownerId');
    expect((await create(a.owner, { name: '' })).statusCode).toBe(400);
    expect((await create(a.owner, { name: 'Y', website: 'javascript:alert(1)' })).statusCode).toBe(400);
  });

  it('support reads but cannot write; sales writes but cannot delete; tokens by scope', async () => {
    const ws = await workspace();
    const id = (await create(ws.owner, { name: 'Scoped Inc' })).json<{ id: string }>().id;
    const support = await signInAs(h, ws.workspaceId, 'support');
    expect((await get(support, '/api/v1/companies')).statusCode).toBe(200);
    expect((await get(support, `/api/v1/companies/${id}`)).statusCode).toBe(200);
    expect((await create(support, { name: 'Nope' })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'PATCH', url: `/api/v1/companies/${id}`, headers: support.headers, payload: { name: 'N' } })).statusCode).toBe(403);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await create(sales, { name: 'Sales Co' })).statusCode).toBe(201);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/companies/${id}`, headers: sales.headers })).statusCode).toBe(403);
    const auditor = await signInAs(h, ws.workspaceId, 'auditor');
    expect((await get(auditor, '/api/v1/companies')).statusCode).toBe(403);
    const token = await tokenFor(h, ws.workspaceId, ['contacts:read'], ws.ownerId);
    const auth = { authorization: `Bearer ${token}` };
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/companies', headers: auth })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/companies', headers: auth, payload: { name: 'T' } })).statusCode).toBe(403);
  });

  it('never stores the name or other fields in clear', async () => {
    const ws = await workspace();
    const name = 'Zyxwvut Plaintext Probe';
    const id = (await create(ws.owner, { name, notes: 'Qwerty notes probe', domain: 'probe-domain.example' })).json<{ id: string }>().id;
    await h.app.inject({ method: 'PATCH', url: `/api/v1/companies/${id}`, headers: ws.owner.headers, payload: { industry: 'Probe industry' } });
    const needles = [name, 'Zyxwvut', 'zyxwvut', 'Qwerty notes', 'probe-domain', 'Probe industry'].map((s) => Buffer.from(s, 'utf8'));
    for (const table of ['companies', 'company_tokens', 'audit_events']) {
      const rows = await asOwner<Record<string, unknown>>(h.t, `select * from ${table} where workspace_id = $1`, [ws.workspaceId]);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          const bytes = Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(JSON.stringify(value ?? null), 'utf8');
          for (const needle of needles) expect(bytes.includes(needle), `${table} holds ${needle.toString()}`).toBe(false);
        }
      }
    }
  });

  it('exposes names and existence to other modules, per workspace', async () => {
    const a = await workspace();
    const b = await workspace();
    const id = (await create(a.owner, { name: 'Named Co' })).json<{ id: string }>().id;
    const names = await h.ctx.db.withWorkspace(a.workspaceId, (trx) => getCompanyNames(trx, h.ctx.vault, a.workspaceId, [id, id, 'nope']));
    expect([...names.entries()]).toEqual([[id, 'Named Co']]);
    expect(await h.ctx.db.withWorkspace(a.workspaceId, (trx) => companyExists(trx, id))).toBe(true);
    expect(await h.ctx.db.withWorkspace(b.workspaceId, (trx) => companyExists(trx, id))).toBe(false);
    expect(await h.ctx.db.withWorkspace(b.workspaceId, (trx) => companyExists(trx, 'not-a-uuid'))).toBe(false);
    expect((await h.ctx.db.withWorkspace(b.workspaceId, (trx) => getCompanyNames(trx, h.ctx.vault, b.workspaceId, [id]))).size).toBe(0);
  });
});
