import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeWorkspace, signInAs, TEST_PASSWORD } from '../../../../test/helpers/auth.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { RESET_MAILS_PER_HOUR } from './password-reset.js';
import { codeAt, enrolViaApi, pendingSession } from '../totp/totp.test-helper.js';

/**
 * An attacker who rotates client addresses — new IPv4 addresses, new IPv6
 * addresses inside one /64, forged X-Forwarded-For through a proxy — still
 * meets a 429 on one account, and the account's owner is slowed, never
 * locked out.
 */

let clock = new Date('2026-11-23T09:00:10Z');
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};
/** The trusted balancer of this app: X-Forwarded-For is believed from it only. */
const PROXY = '192.0.2.10';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp({ now: () => clock, config: { trustProxy: ['192.0.2.0/28'] } });
});
afterAll(async () => {
  await h?.close();
});

let seq = 0;
/** A client address never used before in this file. */
const freshIp = () => {
  seq++;
  return `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;
};
const retryAfter = (res: LightMyRequestResponse) => Number(res.headers['retry-after']);

function signIn(body: object, remoteAddress: string, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: body as Record<string, unknown>, remoteAddress, headers });
}

describe('sign-in on one account from many addresses', () => {
  it('reaches 429 with Retry-After, and the owner waits at most the ceiling, then signs in', async () => {
    const ws = await makeWorkspace(h);
    const wrong = { workspace: ws.slug, email: ws.ownerEmail, password: 'a guess of the password' };
    const statuses: number[] = [];
    // Half the guesses from new socket addresses, half through the trusted proxy with a new forwarded address each.
    for (let i = 0; i < 11; i++) statuses.push((await signIn(wrong, freshIp())).statusCode);
    for (let i = 0; i < 11; i++) statuses.push((await signIn(wrong, PROXY, { 'x-forwarded-for': freshIp() })).statusCode);
    expect(statuses.slice(0, 21)).toEqual(new Array<number>(21).fill(401));
    expect(statuses[21]).toBe(429);

    // The owner, from an address never seen, is slowed too — but told for how long.
    const right = { ...wrong, password: TEST_PASSWORD };
    const slowed = await signIn(right, freshIp());
    expect(slowed.statusCode).toBe(429);
    expect(slowed.headers['content-type']).toContain('application/problem+json');
    expect(retryAfter(slowed)).toBeGreaterThanOrEqual(1);
    expect(retryAfter(slowed)).toBeLessThanOrEqual(10 * 60);

    // Keep guessing as soon as each wait ends: the wait grows, never past the ceiling.
    let last = slowed;
    for (let i = 0; i < 12; i++) {
      advance(retryAfter(last));
      expect((await signIn(wrong, freshIp())).statusCode).toBe(401);
      last = await signIn(wrong, freshIp());
      expect(last.statusCode).toBe(429);
    }
    expect(retryAfter(last)).toBe(10 * 60);

    // Slowed, not closed: after the wait the right password goes through.
    advance(retryAfter(last));
    expect((await signIn(right, freshIp())).statusCode).toBe(200);
    // ... and the owner's success does not leave them waiting on their next typo.
    expect((await signIn(wrong, freshIp())).statusCode).toBe(401);
  });

  it('counts an unknown account exactly like a known one', async () => {
    const ws = await makeWorkspace(h);
    const answers: number[][] = [];
    for (const email of [ws.ownerEmail, 'nobody@nowhere.example']) {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) statuses.push((await signIn({ workspace: ws.slug, email, password: 'wrong' }, freshIp())).statusCode);
      answers.push(statuses);
    }
    expect(answers[0]!.at(-1)).toBe(429);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('believes X-Forwarded-For only from the proxies listed in TRUST_PROXY', async () => {
    const ws = await makeWorkspace(h);
    const wrong = { workspace: ws.slug, email: ws.ownerEmail, password: 'wrong' };
    // An untrusted peer that forges a new forwarded address each time is still one address.
    const untrusted = '198.51.100.200';
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await signIn(wrong, untrusted, { 'x-forwarded-for': freshIp() })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // Through the trusted proxy each forwarded address is its own: no 429 yet on seven.
    const ws2 = await makeWorkspace(h);
    const trusted: number[] = [];
    for (let i = 0; i < 7; i++) {
      trusted.push((await signIn({ ...wrong, workspace: ws2.slug, email: ws2.ownerEmail }, PROXY, { 'x-forwarded-for': freshIp() })).statusCode);
    }
    expect(trusted).toEqual(new Array<number>(7).fill(401));
  });
});

describe('IPv6 addresses are counted by their /64', () => {
  it('reaches 429 from many addresses of one /64, and another /64 is not slowed', async () => {
    const ws = await makeWorkspace(h);
    const wrong = { workspace: ws.slug, email: ws.ownerEmail, password: 'wrong' };
    const statuses: number[] = [];
    for (let i = 1; i <= 7; i++) statuses.push((await signIn(wrong, `2001:db8:aa:bb:${i.toString(16)}:${i}::${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // Written another way, the same /64 is the same client.
    const sameNet = await signIn({ ...wrong, password: TEST_PASSWORD }, '2001:0DB8:00AA:00BB:FFFF:FFFF:FFFF:FFFF');
    expect(sameNet.statusCode).toBe(429);
    expect(retryAfter(sameNet)).toBeGreaterThanOrEqual(1);
    expect((await signIn({ ...wrong, password: TEST_PASSWORD }, '2001:db8:aa:bc::1')).statusCode).toBe(200);
  });

  it('counts an IPv4-mapped IPv6 peer as its IPv4 address', async () => {
    const ws = await makeWorkspace(h);
    const wrong = { workspace: ws.slug, email: ws.ownerEmail, password: 'wrong' };
    for (let i = 0; i < 6; i++) expect((await signIn(wrong, '::ffff:198.51.100.33')).statusCode).toBe(401);
    expect((await signIn(wrong, '198.51.100.33')).statusCode).toBe(429);
  });
});

describe('the second factor', () => {
  async function enrolledMember() {
    const ws = await makeWorkspace(h);
    const member = await signInAs(h, ws.workspaceId, 'support', { enrolled: false });
    advance(30);
    const { secret, recoveryCodes } = await enrolViaApi(h, member);
    advance(30);
    return { ws, member, secret, recoveryCodes };
  }
  const challenge = (headers: Record<string, string>, payload: object, remoteAddress: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers, payload: payload as Record<string, unknown>, remoteAddress });
  const wrongCode = (secret: string) => String((Number(codeAt(secret, clock)) + 500_000) % 1e6).padStart(6, '0');

  it('caps the codes tried in one session, whatever the address', async () => {
    const { ws, member, secret } = await enrolledMember();
    const session = await pendingSession(h, ws.workspaceId, member.userId);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await challenge(session, { code: wrongCode(secret) }, freshIp())).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const capped = await challenge(session, { code: codeAt(secret, clock) }, freshIp());
    expect(capped.statusCode).toBe(429);
    expect(retryAfter(capped)).toBeGreaterThanOrEqual(1);
    // Another session of the member is not held by this one's cap (the account's is wider).
    const other = await pendingSession(h, ws.workspaceId, member.userId);
    expect((await challenge(other, { code: codeAt(secret, clock) }, freshIp())).statusCode).toBe(200);
  });

  it('caps the codes tried across sessions of one member, recovery codes included, and lets the member in after the wait', async () => {
    const { ws, member, secret, recoveryCodes } = await enrolledMember();
    const statuses: number[] = [];
    // A new session (a new sign-in) and a new address for every guess.
    for (let i = 0; i < 12; i++) {
      const session = await pendingSession(h, ws.workspaceId, member.userId);
      const body = i % 2 === 0 ? { code: wrongCode(secret) } : { recoveryCode: 'aaaa-bbbb-cccc-dddd-eeee' };
      statuses.push((await challenge(session, body, freshIp())).statusCode);
    }
    expect(statuses.slice(0, 11)).toEqual(new Array<number>(11).fill(401));
    expect(statuses[11]).toBe(429);
    const session = await pendingSession(h, ws.workspaceId, member.userId);
    const slowed = await challenge(session, { recoveryCode: recoveryCodes[0]! }, freshIp());
    expect(slowed.statusCode).toBe(429);
    expect(retryAfter(slowed)).toBeLessThanOrEqual(15 * 60);
    advance(retryAfter(slowed));
    expect((await challenge(session, { code: codeAt(secret, clock) }, freshIp())).statusCode).toBe(200);
  });
});

describe('password-reset mails', () => {
  const reset = (workspace: string, email: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { workspace, email }, remoteAddress: freshIp() });
  const queued = async (workspaceId: string) =>
    (await asOwner<{ n: number }>(h.t, 'select count(*)::int as n from mail_outbox where workspace_id = $1', [workspaceId]))[0]!.n;

  it(`sends at most ${RESET_MAILS_PER_HOUR} an hour to one account from any number of addresses, then answers 429 — alike for an unknown account`, async () => {
    const ws = await makeWorkspace(h);
    const before = await queued(ws.workspaceId);
    const seen: Array<Array<{ status: number; body: string; retryAfter: boolean }>> = [];
    for (const email of [ws.ownerEmail, 'nobody@nowhere.example']) {
      const answers = [];
      for (let i = 0; i < 8; i++) {
        const res = await reset(ws.slug, email);
        answers.push({ status: res.statusCode, body: res.statusCode === 202 ? res.body : '', retryAfter: retryAfter(res) >= 1 });
      }
      seen.push(answers);
    }
    const [member, nobody] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(member.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202, 429, 429]);
    expect(member.slice(6).every((a) => a.retryAfter)).toBe(true);
    // Six identical 202s, though only the first three made a mail.
    expect(new Set(member.slice(0, 6).map((a) => a.body)).size).toBe(1);
    expect(await queued(ws.workspaceId)).toBe(before + RESET_MAILS_PER_HOUR);
    expect(nobody).toEqual(member);

    // An hour on, the owner can have one more: the quota refills, it never closes.
    advance(3600);
    expect((await reset(ws.slug, ws.ownerEmail)).statusCode).toBe(202);
    expect(await queued(ws.workspaceId)).toBe(before + RESET_MAILS_PER_HOUR + 1);
  });
});
