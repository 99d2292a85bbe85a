import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../../test/helpers/auth.js';
import { probeRoutes } from '../members.test-helper.js';
import { resetTwoFactorCommand } from './totp-cli.js';
import { enrolViaApi, outboxMessages } from './totp.test-helper.js';
import { ROLES, type Role } from '../../../kernel/access.js';

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
  h = await createTestApp({ extraRoutes: [probeRoutes], now });
  ws = await makeWorkspace(h);
});
afterAll(async () => {
  await h.close();
});

const reset = (id: string, headers: Record<string, string>) =>
  h.app.inject({ method: 'POST', url: `/api/v1/members/${id}/totp-reset`, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const probe = (headers: Record<string, string>) => h.app.inject({ method: 'GET', url: '/api/v1/_probe/any', headers });

async function revokedTokens(madeBy: string): Promise<Array<{ actor_type: string; actor_id: string | null; reason: string }>> {
  return asOwner(h.t, `select actor_type, actor_id, details ->> 'reason' as reason from audit_events
    where action = 'token.revoked' and details ->> 'madeBy' = $1 order by id`, [madeBy]);
}

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
  // Mail is due at the database's now(), which a slow start may have carried past the test clock;
  // a round claims one batch: run until nothing is left to claim.
  const at = new Date(Math.max(h.ctx.now().getTime(), Date.now()) + 60_000);
  for (let i = 0; i < 50 && (await h.ctx.jobs.runOnce(at)).claimed > 0; i++);
  return outboxMessages(h).filter((m) => m.includes(email) && m.includes('two-factor authentication was reset'));
}

describe("an owner resets a member's 2FA", () => {
  it('ends their sessions, removes factor and codes, tells them by mail, and audits it', async () => {
    const owner = await signInAs(h, ws.workspaceId, 'owner');
    const sales = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const enrolled = await enrolViaApi(h, sales);
    expect(await totpState(sales.userId)).toEqual({ enrolled: true, secret: true, codes: 10, sessions: 1 });

    const token = await tokenFor(h, ws.workspaceId, ['contacts:read'], sales.userId);
    expect((await probe(bearer(token))).statusCode).toBe(200);

    const res = await reset(sales.userId, owner.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ memberId: sales.userId, sessionsEnded: 1, tokensRevoked: 1 });
    expect(await totpState(sales.userId)).toEqual({ enrolled: false, secret: false, codes: 0, sessions: 0 });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: enrolled.headers })).statusCode).toBe(401);
    // the token was made behind the factor that is gone: it goes too, on the record
    expect((await probe(bearer(token))).statusCode).toBe(401);
    expect(await revokedTokens(sales.userId)).toEqual([{ actor_type: 'user', actor_id: owner.userId, reason: 'totp_reset' }]);
    expect(await resetEvents(sales.userId)).toEqual([{ actor_type: 'user', actor_id: owner.userId }]);
    const mail = await mailTo(sales.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('API token you made was revoked');
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

    const elsewhere = await makeWorkspace(h);
    expect((await reset(elsewhere.ownerId, owner.headers)).statusCode).toBe(404);
  });
});

/**
 * Who may reset whose 2FA, written out rather than derived from the code:
 * owners anyone's (but their own), admins only the roles below admin that 2FA
 * does not bind, nobody else.
 */
const MAY_RESET: Readonly<Record<Role, readonly Role[]>> = {
  owner: ['owner', 'admin', 'dpo', 'sales', 'support', 'auditor'],
  admin: ['sales', 'support', 'auditor'],
  dpo: [],
  sales: [],
  support: [],
  auditor: [],
};

describe('who resets whose 2FA: every caller role × every target role', () => {
  it.each(ROLES.map((caller) => [caller]))('a signed-in %s', async (caller) => {
    nextStep();
    // A workspace per caller role keeps the member list short.
    const own = await makeWorkspace(h);
    const actor = caller === 'owner'
      ? await signInAs(h, own.workspaceId, 'owner', { userId: own.ownerId, email: own.ownerEmail })
      : await signInAs(h, own.workspaceId, caller);
    const targets = new Map<Role, SignedIn>();
    for (const role of ROLES) targets.set(role, await signInAs(h, own.workspaceId, role));

    // The team page is told, per member, what the server will allow (only members:manage sees the list).
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/members?limit=200', headers: { cookie: actor.cookie } });
    if (caller === 'owner' || caller === 'admin') {
      const items = list.json<{ items: Array<{ id: string; canResetTotp: boolean }> }>().items;
      for (const [role, target] of targets) {
        expect(items.find((m) => m.id === target.userId)?.canResetTotp, `${caller} sees canResetTotp on ${role}`).toBe(MAY_RESET[caller].includes(role));
      }
      expect(items.find((m) => m.id === actor.userId)?.canResetTotp, 'never on yourself').toBe(false);
    } else {
      expect(list.statusCode).toBe(403);
    }

    for (const [role, target] of targets) {
      const allowed = MAY_RESET[caller].includes(role);
      const r = await reset(target.userId, actor.headers);
      expect(r.statusCode, `${caller} resets ${role}`).toBe(allowed ? 200 : 403);
      expect((await totpState(target.userId)).enrolled, `${role} still enrolled after ${caller}'s attempt`).toBe(!allowed);
      expect(await resetEvents(target.userId)).toHaveLength(allowed ? 1 : 0);
    }
  });
});

describe('a token never resets 2FA', () => {
  it('refuses a member’s token and the operator’s, whatever their scopes, and audits the refusal', async () => {
    nextStep();
    const own = await makeWorkspace(h);
    const support = await signInAs(h, own.workspaceId, 'support');
    const ownersToken = await tokenFor(h, own.workspaceId, ['members:manage', 'tokens:manage'], own.ownerId);
    const operatorsToken = await tokenFor(h, own.workspaceId, ['members:manage'], null);
    for (const token of [ownersToken, operatorsToken]) {
      const r = await reset(support.userId, bearer(token));
      expect(r.statusCode).toBe(403);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await totpState(support.userId)).enrolled).toBe(true);
    expect(await resetEvents(support.userId)).toEqual([]);
    const denied = await asOwner<{ actor_type: string; permission: string }>(h.t,
      `select actor_type, details ->> 'permission' as permission from audit_events where workspace_id = $1 and action = 'access.denied'`, [own.workspaceId]);
    expect(denied).toEqual([
      { actor_type: 'token', permission: 'members:totp_reset' },
      { actor_type: 'token', permission: 'members:totp_reset' },
    ]);
    // the same token still lists members: only the reset is out of its reach
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/members', headers: bearer(ownersToken) });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: Array<{ canResetTotp: boolean }> }>().items.every((m) => !m.canResetTotp)).toBe(true);
  });
});

describe('confidant user reset-2fa', () => {
  it("resets the last owner's 2FA as the operator: sessions end, mail goes out, audited", async () => {
    const lone = await makeWorkspace(h);
    const session = await signInAs(h, lone.workspaceId, 'owner', { userId: lone.ownerId, email: lone.ownerEmail });
    const token = await tokenFor(h, lone.workspaceId, ['contacts:read'], lone.ownerId);
    expect(await totpState(lone.ownerId)).toMatchObject({ enrolled: true, sessions: 1 });

    const result = await resetTwoFactorCommand({ db: h.ctx.db, vault: h.ctx.vault }, { workspace: lone.slug, email: lone.ownerEmail.toUpperCase() }, clock);
    expect(result).toEqual({ workspaceId: lone.workspaceId, memberId: lone.ownerId, sessionsEnded: 1, tokensRevoked: 1 });
    expect(await totpState(lone.ownerId)).toEqual({ enrolled: false, secret: false, codes: 0, sessions: 0 });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers })).statusCode).toBe(401);
    expect((await probe(bearer(token))).statusCode).toBe(401);
    expect(await revokedTokens(lone.ownerId)).toEqual([{ actor_type: 'operator', actor_id: null, reason: 'totp_reset' }]);
    expect(await resetEvents(lone.ownerId)).toEqual([{ actor_type: 'operator', actor_id: null }]);
    const mail = await mailTo(lone.ownerEmail);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('operator');

    await expect(resetTwoFactorCommand({ db: h.ctx.db, vault: h.ctx.vault }, { workspace: lone.slug, email: 'nobody@example.com' })).rejects.toThrow(/no member/);
    await expect(resetTwoFactorCommand({ db: h.ctx.db, vault: h.ctx.vault }, { workspace: 'no-such-ws', email: lone.ownerEmail })).rejects.toThrow(/no workspace/);
  });
});
