import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { makeWorkspace, signInAs, tokenFor } from '../../../../test/helpers/auth.js';
import { createSession } from './sessions.js';

let clock = new Date('2026-11-23T09:00:00Z');
const now = () => clock;

function probeRoutes(app: FastifyInstance): void {
  app.get('/api/v1/_probe/read', { config: { permission: 'contacts:read' } }, async () => ({ ok: 'read' }));
  app.post('/api/v1/_probe/write', { config: { permission: 'contacts:write' } }, async () => ({ ok: 'write' }));
  app.get('/api/v1/_probe/export', { config: { permission: 'contacts:export' } }, async () => ({ ok: 'export' }));
  app.get('/api/v1/_probe/any', { config: { permission: 'authenticated' } }, async () => ({ ok: 'any' }));
  app.post('/api/v1/_probe/totp', { config: { permission: 'auth:totp' } }, async () => ({ ok: 'totp' }));
}

let h: TestApp;
let ws: { workspaceId: string; ownerId: string };
let other: { workspaceId: string };

beforeAll(async () => {
  h = await createTestApp({ extraRoutes: [probeRoutes], now });
  ws = await makeWorkspace(h);
  other = await makeWorkspace(h);
});
afterAll(async () => {
  await h.close();
});

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'POST', url, headers, payload: {} });

describe('the auth hook', () => {
  it('answers 401 without credentials and with unknown ones; public routes pass', async () => {
    expect((await get('/api/v1/_probe/read')).statusCode).toBe(401);
    expect((await get('/api/v1/_probe/read', { cookie: 'confidant_session=nope-not-a-session' })).statusCode).toBe(401);
    expect((await get('/api/v1/_probe/read', { authorization: 'Bearer cfd_not_a_real_token_value' })).statusCode).toBe(401);
    expect((await get('/healthz')).statusCode).toBe(200);
  });

  it('lets a role reach what it is granted and audits what it is denied', async () => {
    const support = await signInAs(h, ws.workspaceId, 'support');
    expect((await get('/api/v1/_probe/read', { cookie: support.cookie })).statusCode).toBe(200);
    const denied = await get('/api/v1/_probe/export', { cookie: support.cookie });
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ type: string }>().type).toMatch(/\/forbidden$/);
    const events = await asOwner<{ action: string; actor_id: string; details: Record<string, string> }>(
      h.t,
      `select action, actor_id, details from audit_events where workspace_id = $1 and action = 'access.denied'`,
      [ws.workspaceId],
    );
    expect(events).toContainEqual({ action: 'access.denied', actor_id: support.userId, details: { permission: 'contacts:export', method: 'get' } });
  });

  it('requires the CSRF header on state-changing cookie requests', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const without = await post('/api/v1/_probe/write', { cookie: sales.cookie });
    expect(without.statusCode).toBe(403);
    expect(without.json<{ type: string }>().type).toMatch(/\/csrf$/);
    expect((await post('/api/v1/_probe/write', { cookie: sales.cookie, 'x-csrf-token': 'wrong' })).statusCode).toBe(403);
    expect((await post('/api/v1/_probe/write', sales.headers)).statusCode).toBe(200);
  });

  it('a session in the 2FA stage reaches only the challenge', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const pending = await h.ctx.db.withWorkspace(ws.workspaceId, (trx) =>
      createSession(trx, { workspaceId: ws.workspaceId, userId: sales.userId, stage: 'totp', now: clock, absoluteHours: 12 }),
    );
    const cookie = `confidant_session=${pending.token}`;
    expect((await get('/api/v1/_probe/any', { cookie })).statusCode).toBe(401);
    expect((await get('/api/v1/me', { cookie })).statusCode).toBe(401);
    expect((await post('/api/v1/_probe/totp', { cookie, 'x-csrf-token': pending.csrfToken })).statusCode).toBe(200);
    // and a full session is not offered the challenge again
    expect((await post('/api/v1/_probe/totp', sales.headers)).statusCode).toBe(403);
  });

  it('an owner, admin or dpo without 2FA reaches only enrolment, /me and sign-out', async () => {
    for (const role of ['owner', 'admin', 'dpo'] as const) {
      const m = await signInAs(h, ws.workspaceId, role, { enrolled: false });
      const res = await get('/api/v1/_probe/read', { cookie: m.cookie });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ type: string }>().type).toMatch(/\/totp-enrolment-required$/);
      const me = await get('/api/v1/me', { cookie: m.cookie });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ role, mustEnrol: true, totpEnrolled: false, csrfToken: m.csrf, email: m.email });
    }
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    expect((await get('/api/v1/_probe/read', { cookie: sales.cookie })).statusCode).toBe(200);
  });

  it('"2FA for everyone" extends the enrolment rule to every role', async () => {
    await asOwner(h.t, `update workspaces set settings = settings || '{"require2faForAll": true}'::jsonb where id = $1`, [other.workspaceId]);
    const support = await signInAs(h, other.workspaceId, 'support', { enrolled: false });
    expect((await get('/api/v1/_probe/read', { cookie: support.cookie })).statusCode).toBe(403);
  });

  it('ends a session after the idle timeout and after the absolute timeout', async () => {
    const start = clock;
    const m = await signInAs(h, ws.workspaceId, 'sales');
    clock = new Date(start.getTime() + 29 * 60_000);
    expect((await get('/api/v1/_probe/read', { cookie: m.cookie })).statusCode).toBe(200);
    clock = new Date(start.getTime() + 29 * 60_000 + 31 * 60_000);
    expect((await get('/api/v1/_probe/read', { cookie: m.cookie })).statusCode).toBe(401);
    clock = start;
    const n = await signInAs(h, ws.workspaceId, 'sales');
    // Used every 20 minutes, it lives until the absolute limit and not past it.
    for (let minute = 20; minute < 12 * 60; minute += 20) {
      clock = new Date(start.getTime() + minute * 60_000);
      expect((await get('/api/v1/_probe/read', { cookie: n.cookie })).statusCode, `minute ${minute}`).toBe(200);
    }
    clock = new Date(start.getTime() + 12 * 3_600_000 + 60_000);
    expect((await get('/api/v1/_probe/read', { cookie: n.cookie })).statusCode).toBe(401);
    clock = start;
  });

  it('a token can do no more than its scopes and its maker, and dies with its maker', async () => {
    const support = await signInAs(h, ws.workspaceId, 'support');
    const t = await tokenFor(h, ws.workspaceId, ['contacts:read', 'contacts:write'], support.userId);
    const bearer = { authorization: `Bearer ${t}` };
    expect((await get('/api/v1/_probe/read', bearer)).statusCode).toBe(200);
    // scoped to write, but its maker (support) cannot write: refused
    expect((await post('/api/v1/_probe/write', bearer)).statusCode).toBe(403);
    // tokens need no CSRF header and no 2FA
    const owner = await signInAs(h, ws.workspaceId, 'owner', { enrolled: false });
    const ot = await tokenFor(h, ws.workspaceId, ['contacts:write'], owner.userId);
    expect((await post('/api/v1/_probe/write', { authorization: `Bearer ${ot}` })).statusCode).toBe(200);
    expect((await get('/api/v1/_probe/read', { authorization: `Bearer ${ot}` })).statusCode).toBe(403);
    await asOwner(h.t, `update users set status = 'disabled' where id = $1`, [support.userId]);
    expect((await get('/api/v1/_probe/read', bearer)).statusCode).toBe(401);
    expect((await get('/api/v1/_probe/read', { cookie: support.cookie })).statusCode).toBe(401);
  });

  it('revoked and expired tokens answer 401; last use is recorded at most once a minute', async () => {
    const t = await tokenFor(h, ws.workspaceId, ['contacts:read'], null);
    expect((await get('/api/v1/_probe/read', { authorization: `Bearer ${t}` })).statusCode).toBe(200);
    const used = await asOwner<{ last_used_at: Date }>(h.t, `select last_used_at from api_tokens where workspace_id = $1 and last_used_at is not null`, [ws.workspaceId]);
    expect(used.length).toBeGreaterThan(0);
    const uses = async () =>
      (await asOwner<{ n: number }>(h.t, `select count(*)::int as n from audit_events where workspace_id = $1 and action = 'token.used'`, [ws.workspaceId]))[0]!.n;
    const before = await uses();
    expect(before).toBeGreaterThan(0);
    expect((await get('/api/v1/_probe/read', { authorization: `Bearer ${t}` })).statusCode).toBe(200);
    expect(await uses()).toBe(before); // within the minute: no second event
    clock = new Date(clock.getTime() + 61_000);
    expect((await get('/api/v1/_probe/read', { authorization: `Bearer ${t}` })).statusCode).toBe(200);
    expect(await uses()).toBe(before + 1);
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => sql`update api_tokens set revoked_at = now() where created_by is null`.execute(trx));
    expect((await get('/api/v1/_probe/read', { authorization: `Bearer ${t}` })).statusCode).toBe(401);
    const t2 = await tokenFor(h, ws.workspaceId, ['contacts:read'], null);
    clock = new Date(clock.getTime() + 91 * 86_400_000);
    expect((await get('/api/v1/_probe/read', { authorization: `Bearer ${t2}` })).statusCode).toBe(401);
    clock = new Date('2026-11-23T09:00:00Z');
  });

  it("a session of another workspace's member sees nothing of ours", async () => {
    const outsider = await signInAs(h, other.workspaceId, 'owner');
    const me = await get('/api/v1/me', { cookie: outsider.cookie });
    expect(me.json<{ workspaceId: string }>().workspaceId).toBe(other.workspaceId);
  });
});
