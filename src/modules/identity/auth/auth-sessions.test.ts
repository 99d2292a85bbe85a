import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeWorkspace, signInAs, TEST_PASSWORD } from '../../../../test/helpers/auth.js';
import { asOwner } from '../../../../test/helpers/db.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h?.close();
});

const me = (cookie: string) => h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });

async function signInFresh(slug: string, email: string, ip = '192.0.2.7', cookie?: string) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { workspace: slug, email, password: TEST_PASSWORD },
    remoteAddress: ip,
    headers: cookie ? { cookie } : {},
  });
  expect(res.statusCode).toBe(200);
  const value = res.cookies.find((c) => c.name === 'confidant_session')!.value;
  const cookieHeader = `confidant_session=${value}`;
  return { cookie: cookieHeader, headers: { cookie: cookieHeader, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken } };
}

describe('sessions', () => {
  it('never reuses the session of the cookie a browser signs in with', async () => {
    const ws = await makeWorkspace(h);
    const m = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const fresh = await signInFresh(ws.slug, m.email, '192.0.2.7', m.cookie);
    expect(fresh.cookie).not.toBe(m.cookie);
    expect((await me(m.cookie)).statusCode).toBe(401);
    expect((await me(fresh.cookie)).statusCode).toBe(200);
  });

  it('sign-out ends the session and clears the cookie', async () => {
    const ws = await makeWorkspace(h);
    const m = await signInAs(h, ws.workspaceId, 'sales');
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: m.headers });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'confidant_session');
    expect(cleared?.value).toBe('');
    expect((await me(m.cookie)).statusCode).toBe(401);
  });

  it('lists my sessions, ends one, and signs out everywhere', async () => {
    const ws = await makeWorkspace(h);
    const a = await signInAs(h, ws.workspaceId, 'support');
    const b = await signInAs(h, ws.workspaceId, 'support', { userId: a.userId, email: a.email });
    const c = await signInAs(h, ws.workspaceId, 'support', { userId: a.userId, email: a.email });
    const other = await signInAs(h, ws.workspaceId, 'support');
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: { cookie: a.cookie } });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: Array<{ id: string; current: boolean }> }>().items;
    expect(items.map((s) => s.id).sort()).toEqual([a.sessionId, b.sessionId, c.sessionId].sort());
    expect(items.find((s) => s.current)?.id).toBe(a.sessionId);

    // Another member's session id is "not found", and stays alive.
    const foreign = await h.app.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${other.sessionId}`, headers: a.headers });
    expect(foreign.statusCode).toBe(404);
    expect((await me(other.cookie)).statusCode).toBe(200);

    const one = await h.app.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${b.sessionId}`, headers: a.headers });
    expect(one.statusCode).toBe(204);
    expect((await me(b.cookie)).statusCode).toBe(401);
    expect((await me(a.cookie)).statusCode).toBe(200);

    const all = await h.app.inject({ method: 'DELETE', url: '/api/v1/auth/sessions', headers: a.headers });
    expect(all.statusCode).toBe(204);
    for (const s of [a, c]) expect((await me(s.cookie)).statusCode).toBe(401);
    expect((await me(other.cookie)).statusCode).toBe(200);
  });
});

describe('audit', () => {
  it('records sign-in, failure and sign-out with keyed hashes, never a raw email or address', async () => {
    const ws = await makeWorkspace(h);
    const ip = '198.51.100.23';
    const typo = 'Typo.Person@Example.org';
    const failed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { workspace: ws.slug, email: typo, password: 'wrong wrong wrong' },
      remoteAddress: ip,
    });
    expect(failed.statusCode).toBe(401);
    const s = await signInFresh(ws.slug, ws.ownerEmail, ip);
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: s.headers })).statusCode).toBe(204);

    const rows = await asOwner<{ action: string; actor_type: string; actor_id: string | null; details: Record<string, unknown> }>(
      h.t,
      `select action, actor_type, actor_id, details from audit_events where workspace_id = $1 and action like 'auth.%' order by id`,
      [ws.workspaceId],
    );
    const byAction = new Map(rows.map((r) => [r.action, r]));
    expect([...byAction.keys()]).toEqual(expect.arrayContaining(['auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out']));
    const [emailHash, ipHash] = await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => [
      (await h.ctx.vault.keyedHash(trx, ws.workspaceId, 'audit.email', typo.toLowerCase())).toString('hex'),
      (await h.ctx.vault.keyedHash(trx, ws.workspaceId, 'audit.ip', ip)).toString('hex'),
    ]);
    expect(byAction.get('auth.sign_in_failed')).toMatchObject({ actor_type: 'public', details: { email: emailHash, ip: ipHash } });
    expect(byAction.get('auth.sign_in')).toMatchObject({ actor_type: 'user', actor_id: ws.ownerId, details: { ip: ipHash } });

    const everything = JSON.stringify(await asOwner(h.t, 'select * from audit_events where workspace_id = $1', [ws.workspaceId]));
    for (const raw of [ip, typo, typo.toLowerCase(), ws.ownerEmail, 'example.org']) expect(everything).not.toContain(raw);
  });
});
