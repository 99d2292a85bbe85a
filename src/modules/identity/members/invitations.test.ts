import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { makeWorkspace, signInAs, type SignedIn } from '../../../../test/helpers/auth.js';
import { sentMail, testClock } from '../members.test-helper.js';

const clock = testClock();
let h: TestApp;
let ws: { workspaceId: string; slug: string; ownerId: string };
let owner: SignedIn;
const GOOD_PASSWORD = 'a long enough passphrase 42';

beforeAll(async () => {
  h = await createTestApp({ now: clock.now });
  ws = await makeWorkspace(h);
  owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId });
});
afterAll(async () => {
  await h.close();
});

let n = 0;
const fresh = () => `invitee-${++n}-${Date.now()}@example.org`;
const invite = (who: SignedIn, email: string, role: string) =>
  h.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: who.headers, payload: { email, role } });
const accept = (token: string, password: string, remoteAddress = '127.0.0.1') =>
  h.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password }, remoteAddress });

/** The token from the link in the invitee's mail. */
async function tokenMailedTo(email: string): Promise<string> {
  const mail = (await sentMail(h)).find((m) => m.to.includes(email));
  const token = /\/accept-invitation#token=([A-Za-z0-9_-]{43})/.exec(mail?.body ?? '')?.[1];
  if (!token) throw new Error('no invitation link mailed');
  return token;
}

describe('invitations', () => {
  it('mails a single-use link; accepting creates the member with the invited role', async () => {
    const email = fresh();
    const r = await invite(owner, email, 'sales');
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ email, role: 'sales' });
    const token = await tokenMailedTo(email);
    expect((await sentMail(h)).find((m) => m.to.includes(email))?.body).toContain(`${h.ctx.config.publicUrl}/accept-invitation#token=`);

    const weak = await accept(token, 'short');
    expect(weak.statusCode).toBe(422);
    expect(weak.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe('password');

    const ok = await accept(token, GOOD_PASSWORD);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ workspace: ws.slug, email });
    const again = await accept(token, GOOD_PASSWORD);
    expect(again.statusCode).toBe(422);
    expect(again.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe('token');

    const users = await asOwner<{ role: string; status: string }>(h.t,
      `select u.role, u.status from users u join invitations i on i.accepted_user_id = u.id where i.id = $1`, [r.json<{ id: string }>().id]);
    expect(users).toEqual([{ role: 'sales', status: 'active' }]);
    const events = await asOwner<{ action: string }>(h.t,
      `select action from audit_events where workspace_id = $1 and action in ('member.invited', 'member.joined') order by id`, [ws.workspaceId]);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['member.invited', 'member.joined']));
  });

  it('tells every owner by mail of each invitation sent and each accepted, with the role and who sent it', async () => {
    const secondOwner = await signInAs(h, ws.workspaceId, 'owner');
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const email = fresh();
    expect((await invite(admin, email, 'dpo')).statusCode).toBe(201);
    const token = await tokenMailedTo(email);
    const toOwners = async () => (await sentMail(h)).filter((m) => m.body.includes(email) && !m.to.includes(email));
    const sent = await toOwners();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe(`An invitation to ${ws.slug} as dpo`);
    expect(sent[0]!.to).toContain(`owner@${ws.slug}.example`);
    expect(sent[0]!.to).toContain(secondOwner.email);
    expect(sent[0]!.body).toContain(`${email} was invited to join ${ws.slug} as dpo.`);
    expect(sent[0]!.body).toContain(`Invited by: ${admin.email}.`);
    // the owners learn of the invitation, not its link
    expect(sent[0]!.body).not.toContain(token);
    expect(sent[0]!.body).not.toContain('accept-invitation');

    expect((await accept(token, GOOD_PASSWORD, '10.0.3.1')).statusCode).toBe(201);
    const joined = (await toOwners()).filter((m) => m.subject === `A new member of ${ws.slug} as dpo`);
    expect(joined).toHaveLength(1);
    expect(joined[0]!.to).toContain(secondOwner.email);
    expect(joined[0]!.body).toContain(`${email} accepted an invitation and joined ${ws.slug} as dpo.`);
    expect(joined[0]!.body).toContain(`Invited by: ${admin.email}.`);
  });

  it('stores only the token hash and a sealed email', async () => {
    const email = fresh();
    const id = (await invite(owner, email, 'support')).json<{ id: string }>().id;
    const token = await tokenMailedTo(email);
    const [row] = await asOwner<{ token_hash: Buffer; email_ciphertext: Buffer }>(h.t, `select token_hash, email_ciphertext from invitations where id = $1`, [id]);
    expect(row!.token_hash.length).toBe(32);
    expect(row!.token_hash.toString('latin1')).not.toContain(token);
    expect(row!.email_ciphertext.toString('latin1')).not.toContain(email);
  });

  it('invites only to roles at or below your own, and only with members:manage', async () => {
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await invite(admin, fresh(), 'owner')).statusCode).toBe(403);
    expect((await invite(admin, fresh(), 'admin')).statusCode).toBe(201);
    expect((await invite(sales, fresh(), 'support')).statusCode).toBe(403);
    expect((await invite(owner, fresh(), 'owner')).statusCode).toBe(201);
  });

  it('refuses an email that is already a member', async () => {
    const r = await invite(owner, `owner@${ws.slug}.example`, 'sales');
    expect(r.statusCode).toBe(422);
  });

  it('guessing tokens backs off with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await accept('x'.repeat(43), GOOD_PASSWORD, '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([422, 422, 422, 422, 422]);
    const last = await accept('x'.repeat(43), GOOD_PASSWORD, '10.9.9.9');
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
  // Last: it moves the clock past every session of this file.
  it('a link works until 7 days have passed, not after', async () => {
    const early = fresh();
    const late = fresh();
    expect((await invite(owner, early, 'support')).statusCode).toBe(201);
    expect((await invite(owner, late, 'support')).statusCode).toBe(201);
    const earlyToken = await tokenMailedTo(early);
    const lateToken = await tokenMailedTo(late);
    clock.advance(7 * 86_400_000 - 60_000);
    expect((await accept(earlyToken, GOOD_PASSWORD, '10.0.0.7')).statusCode).toBe(201);
    clock.advance(120_000);
    const r = await accept(lateToken, GOOD_PASSWORD, '10.0.0.7');
    expect(r.statusCode).toBe(422);
    expect(r.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe('token');
  });
});
