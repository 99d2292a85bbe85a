import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { makeWorkspace, signInAs } from '../../../test/helpers/auth.js';
import { resetTwoFactorCommand } from './totp-cli.js';
import { registerTotpRoutes } from './totp-routes.js';
import { enrolViaApi, outboxMessages } from './totp.test-helper.js';

// Five seconds into the next TOTP step: jobs are queued at the database's now() and run when the clock passed to
// runOnce reaches it, so a clock fixed at a past date left the reset mail unsent (this test failed from 2026-12-05).
let clock = new Date(Math.ceil(Date.now() / 30_000) * 30_000 + 5_000);
const now = () => clock;
const nextStep = () => {
  clock = new Date(clock.getTime() + 30_000);
};

let h: TestApp;
let ws: { workspaceId: string; slug: string; ownerId: string; ownerEmail: string };

beforeAll(async () => {
  h = await createTestApp({ modules: [registerTotpRoutes], now });
  ws = await makeWorkspace(h);
});
afterAll(async () => {
  await h.close();
});

const reset = (id: string, headers: Record<string, string>) =>
  h.app.inject({ method: 'POST', url: `/api/v1/members/${id}/totp-reset`, headers });

async function totpState(userId: string): Promise<{ enrolled: boolean; secret: boolean; codes: number; sessions: number }> {
  const [row] = await asOwner<{ enrolled: boolean; secret: boolean; codes: number; sessions: number }>(
    h.t,
    `select totp_enrolled_at is not null as enrolled, totp_secret is not null as secret,
            (select count(*)::int from recovery_codes r where r.user_id = u.id) as codes,
            (select count(*)::int from sessions s where s.user_id = u.id) as sessions
     from users u where id = $1`,
    [userId],
  );
  return row!;
}

async function resetEvents(memberId: string): Promise<Array<{ actor_type: string; actor_id: string | null }>> {
  return asOwner(h.t, `select actor_type, actor_id from audit_events where action = 'auth.totp_reset' and details ->> 'memberId' = $1`, [memberId]);
}

/** Mail is sent by the job runner; the development transport writes .eml files. */
async function mailTo(email: string): Promise<string[]> {
  await h.ctx.jobs.runOnce(h.ctx.now());
  return outboxMessages(h).filter((m) => m.includes(email) && m.includes('two-factor authentication was reset'));
}

describe("an owner resets a member's 2FA", () => {
  it('ends their sessions, removes factor and codes, tells them by mail, and audits it', async () => {
    const owner = await signInAs(h, ws.workspaceId, 'owner');
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const enrolled = await enrolViaApi(h, sales);
    expect(await totpState(sales.userId)).toEqual({ enrolled: true, secret: true, codes: 10, sessions: 1 });

    const res = await reset(sales.userId, owner.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ memberId: sales.userId, sessionsEnded: 1 });
    expect(await totpState(sales.userId)).toEqual({ enrolled: false, secret: false, codes: 0, sessions: 0 });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: enrolled.headers })).statusCode).toBe(401);
    expect(await resetEvents(sales.userId)).toEqual([{ actor_type: 'user', actor_id: owner.userId }]);
    expect(await mailTo(sales.email)).toHaveLength(1);
  });

  it('only owners reset an owner’s; nobody resets their own this way; other workspaces are 404', async () => {
    nextStep();
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const owner = await signInAs(h, ws.workspaceId, 'owner');
    const otherOwner = await signInAs(h, ws.workspaceId, 'owner');
    const denied = await reset(otherOwner.userId, admin.headers);
    expect(denied.statusCode).toBe(403);
    expect((await totpState(otherOwner.userId)).enrolled).toBe(true);
    expect(await resetEvents(otherOwner.userId)).toEqual([]);
    expect((await reset(owner.userId, owner.headers)).statusCode).toBe(403);
    expect((await reset(otherOwner.userId, owner.headers)).statusCode).toBe(200);
    expect((await totpState(otherOwner.userId)).enrolled).toBe(false);

    const support = await signInAs(h, ws.workspaceId, 'support');
    expect((await reset(support.userId, admin.headers)).statusCode).toBe(200);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await reset(support.userId, sales.headers)).statusCode).toBe(403);

    const elsewhere = await makeWorkspace(h);
    expect((await reset(elsewhere.ownerId, owner.headers)).statusCode).toBe(404);
  });
});

describe('confidant user reset-2fa', () => {
  it("resets the last owner's 2FA as the operator: sessions end, mail goes out, audited", async () => {
    const lone = await makeWorkspace(h);
    const session = await signInAs(h, lone.workspaceId, 'owner', { userId: lone.ownerId, email: lone.ownerEmail });
    expect(await totpState(lone.ownerId)).toMatchObject({ enrolled: true, sessions: 1 });

    const result = await resetTwoFactorCommand({ db: h.ctx.db, vault: h.ctx.vault }, { workspace: lone.slug, email: lone.ownerEmail.toUpperCase() }, clock);
    expect(result).toEqual({ workspaceId: lone.workspaceId, memberId: lone.ownerId, sessionsEnded: 1 });
    expect(await totpState(lone.ownerId)).toEqual({ enrolled: false, secret: false, codes: 0, sessions: 0 });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers })).statusCode).toBe(401);
    expect(await resetEvents(lone.ownerId)).toEqual([{ actor_type: 'operator', actor_id: null }]);
    const mail = await mailTo(lone.ownerEmail);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('operator');

    await expect(resetTwoFactorCommand({ db: h.ctx.db, vault: h.ctx.vault }, { workspace: lone.slug, email: 'nobody@example.com' })).rejects.toThrow(/no member/);
    await expect(resetTwoFactorCommand({ db: h.ctx.db, vault: h.ctx.vault }, { workspace: 'no-such-ws', email: lone.ownerEmail })).rejects.toThrow(/no workspace/);
  });
});
