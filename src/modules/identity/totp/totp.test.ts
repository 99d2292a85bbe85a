import { URI, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { makeWorkspace, signInAs, TEST_PASSWORD, tokenFor } from '../../../../test/helpers/auth.js';
import { probeRoutes } from '../members.test-helper.js';
import { codeAt, enrolViaApi, newCookie, pendingSession } from './totp.test-helper.js';

let clock = new Date('2026-11-23T09:00:10Z');
const now = () => clock;
/** Moves the clock to the next 30-second step. */
const nextStep = () => {
  clock = new Date(clock.getTime() + 30_000);
};

let h: TestApp;
let ws: { workspaceId: string; slug: string };

beforeAll(async () => {
  h = await createTestApp({ extraRoutes: [probeRoutes], now });
  ws = await makeWorkspace(h);
});
afterAll(async () => {
  await h.close();
});

const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function auditActions(userId: string): Promise<Array<{ action: string; details: Record<string, unknown> }>> {
  return asOwner(h.t, `select action, details from audit_events where workspace_id = $1 and actor_id = $2 order by id`, [ws.workspaceId, userId]);
}

describe('TOTP enrolment', () => {
  it('answers a valid otpauth URI, its secret and a QR code as SVG', async () => {
    const owner = await signInAs(h, ws.workspaceId, 'owner', { enrolled: false });
    const res = await inject('POST', '/api/v1/auth/totp/enrolment', owner.headers, {});
    expect(res.statusCode).toBe(200);
    const body = res.json<{ otpauthUri: string; secret: string; qrSvg: string }>();
    const otp = URI.parse(body.otpauthUri);
    expect(otp).toBeInstanceOf(TOTP);
    const totp = otp as TOTP;
    expect(totp.issuer).toBe('Confidant');
    expect(totp.label).toBe(`${ws.slug}/${owner.email}`);
    expect(totp.secret.base32).toBe(body.secret);
    expect([totp.digits, totp.period, totp.algorithm]).toEqual([6, 30, 'SHA1']);
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('confirms with a right code: 10 recovery codes, enrolled, session rotated (the old cookie is dead)', async () => {
    const owner = await signInAs(h, ws.workspaceId, 'owner', { enrolled: false });
    const start = await inject('POST', '/api/v1/auth/totp/enrolment', owner.headers, {});
    const { secret } = start.json<{ secret: string }>();
    const wrong = await inject('POST', '/api/v1/auth/totp/enrolment/confirm', owner.headers, { code: String((Number(codeAt(secret, clock)) + 1) % 1e6).padStart(6, '0') });
    expect(wrong.statusCode).toBe(422);
    const res = await inject('POST', '/api/v1/auth/totp/enrolment/confirm', owner.headers, { code: codeAt(secret, clock) });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ recoveryCodes: string[]; csrfToken: string }>();
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    for (const c of body.recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){4}$/);
    expect(body.csrfToken).not.toBe(owner.csrf);
    const fresh = newCookie(res);
    expect((await inject('GET', '/api/v1/me', { cookie: owner.cookie })).statusCode).toBe(401);
    const me = await inject('GET', '/api/v1/me', { cookie: fresh });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ totpEnrolled: boolean; csrfToken: string }>()).toMatchObject({ totpEnrolled: true, csrfToken: body.csrfToken });
    const [row] = await asOwner<{ enrolled: boolean; codes: number }>(
      h.t,
      `select totp_enrolled_at is not null as enrolled, (select count(*)::int from recovery_codes r where r.user_id = u.id) as codes from users u where id = $1`,
      [owner.userId],
    );
    expect(row).toEqual({ enrolled: true, codes: 10 });
    expect((await auditActions(owner.userId)).map((e) => e.action)).toEqual(['auth.totp_failed', 'auth.totp_enrolled']);
  });
});

describe('the 2FA challenge', () => {
  it('accepts a right code once, rotates the session to full, and refuses its replay in the same step', async () => {
    nextStep();
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const { secret } = await enrolViaApi(h, sales);
    nextStep();
    const pending = await pendingSession(h, ws.workspaceId, sales.userId);
    expect((await inject('GET', '/api/v1/me', pending)).statusCode).toBe(401);
    const code = codeAt(secret, clock);
    const res = await inject('POST', '/api/v1/auth/totp', pending, { code });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ next: null; csrfToken: string }>();
    expect(body.next).toBeNull();
    const fresh = newCookie(res);
    expect((await inject('GET', '/api/v1/me', { cookie: fresh })).statusCode).toBe(200);
    expect((await inject('GET', '/api/v1/me', { cookie: pending.cookie! })).statusCode).toBe(401);

    const again = await pendingSession(h, ws.workspaceId, sales.userId);
    const replay = await inject('POST', '/api/v1/auth/totp', again, { code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json<{ type: string }>().type).toMatch(/\/totp-invalid$/);
    // earlier steps' codes are refused: the one inside the ±1 window as a replay, older ones as out of it
    nextStep();
    expect((await inject('POST', '/api/v1/auth/totp', again, { code: codeAt(secret, new Date(clock.getTime() - 60_000)) })).statusCode).toBe(401);
    expect((await inject('POST', '/api/v1/auth/totp', again, { code: codeAt(secret, new Date(clock.getTime() - 30_000)) })).statusCode).toBe(401);
    // a later step's code, never used, passes even from a clock one step behind (drift)
    expect((await inject('POST', '/api/v1/auth/totp', again, { code: codeAt(secret, new Date(clock.getTime() + 30_000)) })).statusCode).toBe(200);
    const failed = (await auditActions(sales.userId)).filter((e) => e.action === 'auth.totp_failed');
    expect(failed.map((e) => e.details.reason)).toEqual(['replay', 'wrong', 'replay']);
  });

  it('refuses a wrong code and audits it', async () => {
    nextStep();
    const support = await signInAs(h, ws.workspaceId, 'support', { enrolled: false });
    const { secret } = await enrolViaApi(h, support);
    nextStep();
    const pending = await pendingSession(h, ws.workspaceId, support.userId);
    const wrong = String((Number(codeAt(secret, clock)) + 500_000) % 1e6).padStart(6, '0');
    const res = await inject('POST', '/api/v1/auth/totp', pending, { code: wrong });
    expect(res.statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/me', pending)).statusCode).toBe(401);
    const events = await auditActions(support.userId);
    expect(events.at(-1)).toEqual({ action: 'auth.totp_failed', details: { context: 'totp', reason: 'wrong' } });
    expect(events.map((e) => e.action)).not.toContain('auth.totp_passed');
  });

  it('accepts a recovery code once and refuses its reuse', async () => {
    nextStep();
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const { recoveryCodes } = await enrolViaApi(h, sales);
    const first = await pendingSession(h, ws.workspaceId, sales.userId);
    const code = recoveryCodes[3]!;
    const ok = await inject('POST', '/api/v1/auth/totp', first, { recoveryCode: code.toUpperCase() });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ recoveryCodesLeft: number }>().recoveryCodesLeft).toBe(9);
    const second = await pendingSession(h, ws.workspaceId, sales.userId);
    expect((await inject('POST', '/api/v1/auth/totp', second, { recoveryCode: code })).statusCode).toBe(401);
    expect((await inject('POST', '/api/v1/auth/totp', second, { recoveryCode: recoveryCodes[4]! })).statusCode).toBe(200);
    const actions = (await auditActions(sales.userId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.recovery_code_used')).toHaveLength(2);
    expect(actions).toContain('auth.totp_failed');
  });

  it('backs off after repeated wrong codes (429 with Retry-After), without locking the member out for good', async () => {
    nextStep();
    const support = await signInAs(h, ws.workspaceId, 'support', { enrolled: false });
    const { secret } = await enrolViaApi(h, support);
    nextStep();
    const pending = await pendingSession(h, ws.workspaceId, support.userId);
    const wrong = String((Number(codeAt(secret, clock)) + 500_000) % 1e6).padStart(6, '0');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await inject('POST', '/api/v1/auth/totp', pending, { code: wrong })).statusCode);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const limited = await inject('POST', '/api/v1/auth/totp', pending, { code: codeAt(secret, clock) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    clock = new Date(clock.getTime() + 16 * 60_000);
    const later = await pendingSession(h, ws.workspaceId, support.userId);
    expect((await inject('POST', '/api/v1/auth/totp', later, { code: codeAt(secret, clock) })).statusCode).toBe(200);
  });

  it('wants exactly one of code and recoveryCode', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const pending = await pendingSession(h, ws.workspaceId, sales.userId);
    expect((await inject('POST', '/api/v1/auth/totp', pending, {})).statusCode).toBe(422);
    expect((await inject('POST', '/api/v1/auth/totp', pending, { code: '123456', recoveryCode: 'x' })).statusCode).toBe(422);
  });
});

describe('secrets at rest', () => {
  it('keeps neither the TOTP secret nor the recovery codes in plaintext', async () => {
    nextStep();
    const dpo = await signInAs(h, ws.workspaceId, 'dpo', { enrolled: false });
    const start = await inject('POST', '/api/v1/auth/totp/enrolment', dpo.headers, {});
    const pendingSecret = start.json<{ secret: string }>().secret;
    const mid = await dumpWorkspace();
    expect(mid).not.toContain(pendingSecret);
    expect(mid).not.toContain(Buffer.from(pendingSecret).toString('hex'));
    const confirm = await inject('POST', '/api/v1/auth/totp/enrolment/confirm', dpo.headers, { code: codeAt(pendingSecret, clock) });
    const codes = confirm.json<{ recoveryCodes: string[] }>().recoveryCodes;
    const dump = await dumpWorkspace();
    const needles = [pendingSecret, pendingSecret.toLowerCase(), Buffer.from(pendingSecret).toString('hex')];
    for (const c of codes) {
      const raw = c.replace(/-/g, '');
      needles.push(raw, c, raw.slice(4), Buffer.from(raw).toString('hex'));
    }
    for (const n of needles) expect(dump).not.toContain(n);
    const [row] = await asOwner<{ sealed: boolean }>(h.t, `select totp_secret is not null and length(totp_secret) > 40 as sealed from users where id = $1`, [dpo.userId]);
    expect(row?.sealed).toBe(true);
  });
});

/** Every row of the tables 2FA touches, as text (bytea as hex), the way an insider would read them. */
async function dumpWorkspace(): Promise<string> {
  const parts: string[] = [];
  for (const table of ['users', 'recovery_codes', 'sessions', 'audit_events', 'mail_outbox', 'jobs']) {
    const rows = await asOwner<{ t: string }>(h.t, `select t::text as t from ${table} t`);
    parts.push(...rows.map((r) => r.t));
  }
  return parts.join('\n');
}

describe('changing or removing the second factor', () => {
  it('re-enrolment needs the password and a current code', async () => {
    nextStep();
    const admin = await signInAs(h, ws.workspaceId, 'admin', { enrolled: false });
    const first = await enrolViaApi(h, admin);
    nextStep();
    const url = '/api/v1/auth/totp/enrolment';
    expect((await inject('POST', url, first.headers, {})).statusCode).toBe(422);
    expect((await inject('POST', url, first.headers, { password: TEST_PASSWORD })).statusCode).toBe(422);
    const badPassword = await inject('POST', url, first.headers, { password: 'not the password at all', code: codeAt(first.secret, clock) });
    expect(badPassword.statusCode).toBe(403);
    expect(badPassword.json<{ type: string }>().type).toMatch(/\/reauthentication-failed$/);
    expect((await inject('POST', url, first.headers, { password: TEST_PASSWORD, code: '000000' === codeAt(first.secret, clock) ? '111111' : '000000' })).statusCode).toBe(403);
    const ok = await inject('POST', url, first.headers, { password: TEST_PASSWORD, code: codeAt(first.secret, clock) });
    expect(ok.statusCode).toBe(200);
    const second = ok.json<{ secret: string }>().secret;
    expect(second).not.toBe(first.secret);
    // the new secret's code works within the same step the old one was just used in
    const confirm = await inject('POST', '/api/v1/auth/totp/enrolment/confirm', first.headers, { code: codeAt(second, clock) });
    expect(confirm.statusCode).toBe(200);
    // the old recovery codes died with the old enrolment
    const pending = await pendingSession(h, ws.workspaceId, admin.userId);
    expect((await inject('POST', '/api/v1/auth/totp', pending, { recoveryCode: first.recoveryCodes[0]! })).statusCode).toBe(401);
    const events = (await auditActions(admin.userId)).map((e) => [e.action, e.details.reason ?? e.details.reenrolment]);
    expect(events).toContainEqual(['auth.totp_failed', 'password']);
    expect(events).toContainEqual(['auth.totp_enrolled', true]);
  });

  it('turning 2FA off needs password and code, and is refused to roles that require it', async () => {
    nextStep();
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const e = await enrolViaApi(h, sales);
    nextStep();
    expect((await inject('DELETE', '/api/v1/auth/totp', e.headers, {})).statusCode).toBe(422);
    expect((await inject('DELETE', '/api/v1/auth/totp', e.headers, { password: 'wrong password here', code: codeAt(e.secret, clock) })).statusCode).toBe(403);
    const off = await inject('DELETE', '/api/v1/auth/totp', e.headers, { password: TEST_PASSWORD, code: codeAt(e.secret, clock) });
    expect(off.statusCode).toBe(204);
    expect((await inject('GET', '/api/v1/me', e.headers)).json<{ totpEnrolled: boolean }>().totpEnrolled).toBe(false);
    expect((await auditActions(sales.userId)).map((x) => x.action)).toContain('auth.totp_disabled');
    const [codes] = await asOwner<{ n: number }>(h.t, `select count(*)::int as n from recovery_codes where user_id = $1`, [sales.userId]);
    expect(codes?.n).toBe(0);

    nextStep();
    const owner = await signInAs(h, ws.workspaceId, 'owner', { enrolled: false });
    const o = await enrolViaApi(h, owner);
    nextStep();
    const refused = await inject('DELETE', '/api/v1/auth/totp', o.headers, { password: TEST_PASSWORD, code: codeAt(o.secret, clock) });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ type: string }>().type).toMatch(/\/totp-required$/);
  });

  it('turning 2FA off revokes the API tokens the member made, each audited', async () => {
    nextStep();
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const e = await enrolViaApi(h, sales);
    const tokens = [
      await tokenFor(h, ws.workspaceId, ['contacts:read'], sales.userId),
      await tokenFor(h, ws.workspaceId, ['contacts:read', 'contacts:write'], sales.userId),
    ];
    const probe = (token: string) => inject('GET', '/api/v1/_probe/any', { authorization: `Bearer ${token}` });
    for (const t of tokens) expect((await probe(t)).statusCode).toBe(200);
    nextStep();
    expect((await inject('DELETE', '/api/v1/auth/totp', e.headers, { password: TEST_PASSWORD, code: codeAt(e.secret, clock) })).statusCode).toBe(204);
    for (const t of tokens) expect((await probe(t)).statusCode).toBe(401);
    const events = await auditActions(sales.userId);
    expect(events.filter((x) => x.action === 'token.revoked').map((x) => x.details.reason)).toEqual(['totp_disabled', 'totp_disabled']);
    expect(events.find((x) => x.action === 'auth.totp_disabled')?.details).toEqual({ tokensRevoked: 2 });
  });
});
