import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeWorkspace, signInAs, TEST_PASSWORD } from '../../../../test/helpers/auth.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { RESET_ANSWER_FLOOR_MS } from './password-reset.js';
import { passwordProblems } from '../members/users.js';

let h: TestApp;
// Real time plus an offset the tests move: mail jobs are due by the database's clock.
let offset = 0;
beforeAll(async () => {
  h = await createTestApp({ now: () => new Date(Date.now() + offset) });
});
afterAll(async () => {
  await h?.close();
});

const NEW_PASSWORD = 'a brand new passphrase 2030';
const me = (cookie: string) => h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
const post = (url: string, payload: unknown, headers: Record<string, string> = {}, remoteAddress = '203.0.113.9') =>
  h.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers, remoteAddress });

/** Sends what is queued, then returns the messages the .eml fallback wrote since `seen`. */
async function mailSince(seen: Set<string>): Promise<string[]> {
  for (let i = 0; i < 20 && (await h.ctx.jobs.runOnce(h.ctx.now())).claimed > 0; i++);
  const dir = path.join(h.ctx.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const fresh = fs.readdirSync(dir).filter((f) => f.endsWith('.eml') && !seen.has(f)).sort();
  fresh.forEach((f) => seen.add(f));
  return fresh.map((f) => decodeQuotedPrintable(fs.readFileSync(path.join(dir, f), 'utf8')));
}
const seen = new Set<string>();

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe('password rules', () => {
  it('refuses the most common passwords, whatever their case, naming the field', async () => {
    const problems = passwordProblems('qwerty123456');
    expect(problems.map((p) => p.path)).toEqual(['password']);
    expect(problems[0]?.message).toMatch(/common/);
    expect(passwordProblems('QWERTY123456', 'newPassword')[0]?.path).toBe('newPassword');
    expect(passwordProblems(TEST_PASSWORD)).toEqual([]);
    const ws = await makeWorkspace(h);
    const m = await signInAs(h, ws.workspaceId, 'sales');
    const res = await post('/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: '1qaz2wsx3edc' }, m.headers);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ errors: [{ path: 'newPassword' }] });
    const short = await post('/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' }, m.headers);
    expect(short.statusCode).toBe(422);
  });
});

describe('password change', () => {
  it('rotates the cookie and CSRF token and ends the other sessions', async () => {
    const ws = await makeWorkspace(h);
    const a = await signInAs(h, ws.workspaceId, 'sales');
    const b = await signInAs(h, ws.workspaceId, 'sales', { userId: a.userId, email: a.email });
    const wrong = await post('/api/v1/auth/password', { currentPassword: 'not my password at all', newPassword: NEW_PASSWORD }, a.headers);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ errors: [{ path: 'currentPassword' }] });

    const res = await post('/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, a.headers);
    expect(res.statusCode).toBe(200);
    const csrf = res.json<{ csrfToken: string }>().csrfToken;
    const cookie = res.cookies.find((c) => c.name === 'confidant_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(csrf).not.toBe(a.csrf);
    expect(`confidant_session=${cookie!.value}`).not.toBe(a.cookie);
    expect((await me(a.cookie)).statusCode).toBe(401);
    expect((await me(b.cookie)).statusCode).toBe(401);
    const now = await me(`confidant_session=${cookie!.value}`);
    expect(now.statusCode).toBe(200);
    expect(now.json<{ csrfToken: string }>().csrfToken).toBe(csrf);
    const signIn = await post('/api/v1/auth/sign-in', { workspace: ws.slug, email: a.email, password: NEW_PASSWORD });
    expect(signIn.statusCode).toBe(200);
  });
});

describe('password reset', () => {
  const request = (workspace: string, email: string, ip?: string) => post('/api/v1/auth/password-reset', { workspace, email }, {}, ip);
  const linkIn = (messages: string[]) => {
    const m = messages.join('\n').match(/reset-password#token=([A-Za-z0-9_-]{43})/);
    return m?.[1] ?? null;
  };

  it('answers 202 alike for known and unknown accounts, and mails a link only to the member', async () => {
    const ws = await makeWorkspace(h);
    await mailSince(seen);
    const timed = async (workspace: string, email: string) => {
      const t0 = performance.now();
      const res = await request(workspace, email);
      return { res, ms: performance.now() - t0 };
    };
    const known = await timed(ws.slug, ws.ownerEmail);
    const unknown = await timed(ws.slug, 'nobody@example.org');
    const noWorkspace = await timed('no-such-place', ws.ownerEmail);
    for (const r of [known, unknown, noWorkspace]) {
      expect(r.res.statusCode).toBe(202);
      expect(r.res.body).toBe(known.res.body);
      // Every answer waits out the same floor, so the work for a member does not show.
      expect(r.ms).toBeGreaterThanOrEqual(RESET_ANSWER_FLOOR_MS - 5);
    }
    expect(unknown.ms).toBeGreaterThan(known.ms * 0.5);
    expect(noWorkspace.ms).toBeGreaterThan(known.ms * 0.5);
    const mail = await mailSince(seen);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain(`To: ${ws.ownerEmail}`);
    expect(mail[0]).toContain(`${h.ctx.config.publicUrl}/reset-password#token=`);
    // Stored only as SHA-256.
    const token = linkIn(mail)!;
    const rows = await asOwner<{ token_hash: Buffer }>(h.t, 'select token_hash from password_resets where workspace_id = $1', [ws.workspaceId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('is single use, ends every session, and the next sign-in still asks for TOTP', async () => {
    const ws = await makeWorkspace(h);
    const m = await signInAs(h, ws.workspaceId, 'dpo', { enrolled: true });
    const other = await signInAs(h, ws.workspaceId, 'dpo', { userId: m.userId, email: m.email });
    await mailSince(seen);
    expect((await request(ws.slug, m.email)).statusCode).toBe(202);
    const token = linkIn(await mailSince(seen));
    expect(token).not.toBeNull();
    const weak = await post('/api/v1/auth/password-reset/confirm', { token, password: 'qwerty123456' });
    expect(weak.statusCode).toBe(422);
    const ok = await post('/api/v1/auth/password-reset/confirm', { token, password: NEW_PASSWORD });
    expect(ok.statusCode).toBe(204);
    for (const s of [m, other]) expect((await me(s.cookie)).statusCode).toBe(401);
    const again = await post('/api/v1/auth/password-reset/confirm', { token, password: 'yet another new passphrase' });
    expect(again.statusCode).toBe(400);
    expect((await post('/api/v1/auth/sign-in', { workspace: ws.slug, email: m.email, password: TEST_PASSWORD })).statusCode).toBe(401);
    const signIn = await post('/api/v1/auth/sign-in', { workspace: ws.slug, email: m.email, password: NEW_PASSWORD }, {}, '203.0.113.10');
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json()).toMatchObject({ next: 'totp' });
    const cookie = signIn.cookies.find((c) => c.name === 'confidant_session')!.value;
    expect((await me(`confidant_session=${cookie}`)).statusCode).toBe(401);
    // The member is told.
    expect((await mailSince(seen)).join('\n')).toMatch(/password was reset/);
  });

  it('expires after one hour', async () => {
    const ws = await makeWorkspace(h);
    await mailSince(seen);
    await request(ws.slug, ws.ownerEmail);
    const token = linkIn(await mailSince(seen));
    offset += 60 * 60_000 + 1000;
    const late = await post('/api/v1/auth/password-reset/confirm', { token, password: NEW_PASSWORD });
    expect(late.statusCode).toBe(400);
    expect((await post('/api/v1/auth/sign-in', { workspace: ws.slug, email: ws.ownerEmail, password: TEST_PASSWORD })).statusCode).toBe(200);
  });

  it('backs off repeated requests for one account with 429, known or not', async () => {
    const ws = await makeWorkspace(h);
    for (const email of [ws.ownerEmail, 'nobody@example.org']) {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await request(ws.slug, email, '203.0.113.50')).statusCode);
      expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
      expect(statuses[6]).toBe(429);
    }
  });

  it('audits request and reset with keyed hashes', async () => {
    const ws = await makeWorkspace(h);
    await mailSince(seen);
    await request(ws.slug, ws.ownerEmail, '203.0.113.77');
    const token = linkIn(await mailSince(seen));
    await post('/api/v1/auth/password-reset/confirm', { token, password: NEW_PASSWORD }, {}, '203.0.113.77');
    const rows = await asOwner<{ action: string; subject_ids: string[] }>(
      h.t,
      `select action, subject_ids::text[] as subject_ids from audit_events where workspace_id = $1 and action like 'auth.password%' order by id`,
      [ws.workspaceId],
    );
    expect(rows.map((r) => r.action)).toEqual(['auth.password_reset_requested', 'auth.password_reset']);
    expect(rows.every((r) => r.subject_ids.includes(ws.ownerId))).toBe(true);
    const everything = JSON.stringify(await asOwner(h.t, 'select * from audit_events where workspace_id = $1', [ws.workspaceId]));
    expect(everything).not.toContain('203.0.113.77');
    expect(everything).not.toContain(ws.ownerEmail);
  });
});
