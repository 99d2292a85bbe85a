import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { probeRoutes, testClock } from '../identity/members.test-helper.js';

const clock = testClock();
let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ extraRoutes: [probeRoutes], now: clock.now });
});
afterAll(async () => {
  await h.close();
});

async function workspace() {
  const ws = await makeWorkspace(h);
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  return { ...ws, owner };
}
const patch = (who: SignedIn, payload: Record<string, unknown>) => h.app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: who.headers, payload });
const read = (headers: Record<string, string>) => h.app.inject({ method: 'GET', url: '/api/v1/workspace', headers });

describe('workspace settings', () => {
  it('has defaults, and is for workspace:manage (owner, admin) only', async () => {
    const ws = await workspace();
    const r = await read({ cookie: ws.owner.cookie });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      name: ws.slug, slug: ws.slug, region: null, dpoName: null, dpoEmail: null,
      require2faForAll: false, readBudgetPerHour: 1000, recordVisibility: { sales: 'all' },
    });
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    expect((await read({ cookie: admin.cookie })).statusCode).toBe(200);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await read({ cookie: sales.cookie })).statusCode).toBe(403);
    expect((await patch(sales, { name: 'Mine now' })).statusCode).toBe(403);
  });

  it('changes settings; the DPO is sealed, require2faForAll sits where the auth hook reads it', async () => {
    const ws = await workspace();
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/_probe/any', headers: { cookie: sales.cookie } })).statusCode).toBe(200);
    const change = {
      name: 'Acme GmbH', region: 'eu-central', dpoName: 'Dana Privacy', dpoEmail: 'dpo@acme.example',
      require2faForAll: true, readBudgetPerHour: 250, recordVisibility: { sales: 'own' },
    };
    const r = await patch(ws.owner, change);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ...change, slug: ws.slug });
    expect((await read({ cookie: ws.owner.cookie })).json()).toEqual({ ...change, slug: ws.slug });
    const [row] = await asOwner<{ flag: string; settings: string; dpo: Buffer }>(h.t,
      `select settings->>'require2faForAll' as flag, settings::text as settings, dpo_ciphertext as dpo from workspaces where id = $1`, [ws.workspaceId]);
    expect(row!.flag).toBe('true');
    expect(row!.settings).not.toContain('Dana');
    expect(row!.dpo.toString('latin1')).not.toContain('dpo@acme.example');
    // the unenrolled member is now stopped at enrolment
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/_probe/any', headers: { cookie: sales.cookie } });
    expect(after.statusCode).toBe(403);
    expect(after.json<{ type: string }>().type).toMatch(/\/totp-enrolment-required$/);
    const [event] = await asOwner<{ details: { fields: string[] } }>(h.t,
      `select details from audit_events where workspace_id = $1 and action = 'workspace.settings_changed'`, [ws.workspaceId]);
    expect(event!.details.fields).toEqual(expect.arrayContaining(['dpo_email', 'require2fa_for_all', 'read_budget_per_hour']));
    // clearing the DPO works too
    expect((await patch(ws.owner, { dpoName: null, dpoEmail: null })).json()).toMatchObject({ dpoName: null, dpoEmail: null });
  });

  it('a taken slug is a 409; a malformed one or an unknown field a 400', async () => {
    const a = await workspace();
    const b = await workspace();
    const taken = await patch(a.owner, { slug: b.slug });
    expect(taken.statusCode).toBe(409);
    expect(taken.json<{ type: string }>().type).toMatch(/\/slug-taken$/);
    expect((await patch(a.owner, { slug: 'Not A Slug' })).statusCode).toBe(400);
    expect((await patch(a.owner, { status: 'active' })).statusCode).toBe(400);
    expect((await patch(a.owner, { slug: `${a.slug}-renamed` })).json()).toMatchObject({ slug: `${a.slug}-renamed` });
  });
});

describe('closing a workspace', () => {
  it('is owner-only with the slug typed again; then every session and token is refused', async () => {
    const ws = await workspace();
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const token = await tokenFor(h, ws.workspaceId, ['contacts:read'], null);
    const close = (who: SignedIn, confirm: string) => h.app.inject({ method: 'POST', url: '/api/v1/workspace/close', headers: who.headers, payload: { confirm } });
    expect((await close(admin, ws.slug)).statusCode).toBe(403);
    expect((await close(ws.owner, 'wrong')).statusCode).toBe(422);
    const r = await close(ws.owner, ws.slug);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'closing' });
    expect((await read({ cookie: ws.owner.cookie })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/_probe/any', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const events = await asOwner(h.t, `select 1 from audit_events where workspace_id = $1 and action = 'workspace.closing'`, [ws.workspaceId]);
    expect(events).toHaveLength(1);
  });
});
