import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeWorkspace, signInAs, TEST_PASSWORD } from '../../../../test/helpers/auth.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { acquireArgon2Slot } from './argon2-limiter.js';

let h: TestApp;
let clock = Date.now();
const advance = (ms: number) => {
  clock += ms;
};

beforeAll(async () => {
  h = await createTestApp({ now: () => new Date(clock), config: { argon2MaxConcurrent: 1 } });
});
afterAll(async () => {
  await h?.close();
});

let ipSeq = 1;
/** A fresh client address per scenario, so one test's failures never slow another. */
const nextIp = () => `10.0.${Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`;

function signIn(body: Record<string, unknown>, ip = '127.0.0.1', headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: body, remoteAddress: ip, headers });
}

function sessionCookie(res: Awaited<ReturnType<typeof signIn>>) {
  return res.cookies.find((c) => c.name === 'confidant_session');
}

describe('sign-in', () => {
  it('sets an HttpOnly SameSite=Lax cookie and says what comes next for the role and enrolment', async () => {
    const ws = await makeWorkspace(h);
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const enrolled = await signInAs(h, ws.workspaceId, 'support', { enrolled: true });
    const cases = [
      { email: ws.ownerEmail, next: 'totp_enrolment', role: 'owner' },
      { email: sales.email, next: null, role: 'sales' },
      { email: enrolled.email, next: 'totp', role: 'support' },
    ];
    for (const c of cases) {
      const res = await signIn({ workspace: ws.slug, email: c.email.toUpperCase(), password: TEST_PASSWORD }, nextIp());
      expect(res.statusCode).toBe(200);
      const body = res.json<{ user: { email: string; role: string }; csrfToken: string; next: string | null }>();
      expect(body).toMatchObject({ user: { email: c.email, role: c.role }, next: c.next });
      expect(body.csrfToken.length).toBeGreaterThanOrEqual(40);
      const cookie = sessionCookie(res);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie?.secure).toBeFalsy();
      const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { confidant_session: cookie!.value } });
      // A session still owing its second factor reaches nothing but the challenge.
      expect(me.statusCode).toBe(c.next === 'totp' ? 401 : 200);
    }
  });

  it('marks the cookie Secure only when the request came over TLS (as TRUST_PROXY reports it)', async () => {
    const tls = await createTestApp({ config: { trustProxy: ['127.0.0.1'] } });
    try {
      const ws = await makeWorkspace(tls);
      const payload = { workspace: ws.slug, email: ws.ownerEmail, password: TEST_PASSWORD };
      const over = await tls.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload, headers: { 'x-forwarded-proto': 'https' } });
      expect(over.statusCode).toBe(200);
      // Over TLS the cookie carries the __Host- prefix (session-cookie.test.ts).
      expect(sessionCookie(over)).toBeUndefined();
      expect(over.cookies.find((c) => c.name === '__Host-confidant_session')?.secure).toBe(true);
      const plain = await tls.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload });
      expect(sessionCookie(plain)?.secure).toBeFalsy();
    } finally {
      await tls.close();
    }
  });

  it('answers wrong email, wrong password and unknown workspace with the same 401', async () => {
    const ws = await makeWorkspace(h);
    const answers = [];
    for (const body of [
      { workspace: ws.slug, email: 'nobody@example.org', password: TEST_PASSWORD },
      { workspace: ws.slug, email: ws.ownerEmail, password: 'not the right password' },
      { workspace: 'no-such-workspace', email: ws.ownerEmail, password: TEST_PASSWORD },
    ]) {
      const res = await signIn(body, nextIp());
      expect(sessionCookie(res)).toBeUndefined();
      const problem = res.json<Record<string, unknown>>();
      answers.push({ status: res.statusCode, type: problem.type, title: problem.title, detail: problem.detail, ct: res.headers['content-type'] });
    }
    expect(answers[0]!.status).toBe(401);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('refuses a closing workspace like a wrong password', async () => {
    const ws = await makeWorkspace(h);
    await asOwner(h.t, `update workspaces set status = 'closing' where id = $1`, [ws.workspaceId]);
    const res = await signIn({ workspace: ws.slug, email: ws.ownerEmail, password: TEST_PASSWORD }, nextIp());
    expect(res.statusCode).toBe(401);
  });

  it('takes about as long for an unknown account as for a known one', async () => {
    const ws = await makeWorkspace(h);
    const time = async (body: Record<string, unknown>) => {
      const t0 = performance.now();
      const res = await signIn(body, nextIp());
      expect(res.statusCode).toBe(401);
      return performance.now() - t0;
    };
    // Warm up the dummy hash and the code paths first.
    await time({ workspace: ws.slug, email: 'warm@example.org', password: 'x' });
    // Medians, so one attempt slowed by a busy machine (CI runs two suites at once) does not decide.
    const known: number[] = [];
    const unknownEmail: number[] = [];
    const unknownWorkspace: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time({ workspace: ws.slug, email: ws.ownerEmail, password: `wrong password ${i}` }));
      unknownEmail.push(await time({ workspace: ws.slug, email: `nobody${i}@example.org`, password: `wrong password ${i}` }));
      unknownWorkspace.push(await time({ workspace: `nowhere-${i}`, email: ws.ownerEmail, password: `wrong password ${i}` }));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(unknownEmail)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknownWorkspace)).toBeGreaterThan(median(known) * 0.5);
  });
});

describe('brute force', () => {
  it('backs off with 429 + Retry-After per (account, address), known account or not, without locking out other addresses', async () => {
    const ws = await makeWorkspace(h);
    for (const email of [ws.ownerEmail, 'ghost@example.org']) {
      const ip = nextIp();
      const wrong = { workspace: ws.slug, email, password: 'definitely wrong' };
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn(wrong, ip)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
      const blocked = await signIn({ ...wrong, password: TEST_PASSWORD }, ip);
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another address is not slowed by it: no hard lock-out of the member.
      const elsewhere = await signIn({ ...wrong, password: TEST_PASSWORD }, nextIp());
      expect(elsewhere.statusCode).toBe(email === ws.ownerEmail ? 200 : 401);
      // Once the wait has passed, the same address may try again.
      advance(Number(blocked.headers['retry-after']) * 1000);
      expect((await signIn(wrong, ip)).statusCode).toBe(401);
      expect((await signIn(wrong, ip)).statusCode).toBe(429);
    }
    // Counters hold keyed hashes only.
    const rows = await asOwner<{ key: Buffer }>(h.t, 'select key from auth_throttle');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/ghost|example|10\.0\./);
  });

  it('answers 503 + Retry-After when every argon2 slot is taken', async () => {
    const ws = await makeWorkspace(h);
    const release = acquireArgon2Slot(h.ctx);
    try {
      const res = await signIn({ workspace: ws.slug, email: ws.ownerEmail, password: TEST_PASSWORD }, nextIp());
      expect(res.statusCode).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      release();
    }
    const ok = await signIn({ workspace: ws.slug, email: ws.ownerEmail, password: TEST_PASSWORD }, nextIp());
    expect(ok.statusCode).toBe(200);
  });
});
