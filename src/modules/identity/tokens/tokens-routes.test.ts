import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { asOwner } from '../../../../test/helpers/db.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../../test/helpers/auth.js';
import type { OperatorRuntime } from '../../../commands.js';
import { probeRoutes, sentMail, testClock } from '../members.test-helper.js';
import { tokenCreateCommand, tokenRevokeCommand } from './tokens-cli.js';

const clock = testClock();
let h: TestApp;
let ws: { workspaceId: string; slug: string; ownerId: string; ownerEmail: string };

function exportProbe(app: FastifyInstance): void {
  app.get('/api/v1/_probe/export', { config: { permission: 'contacts:export' } }, async () => ({ ok: true }));
  app.get('/api/v1/_probe/manage', { config: { permission: 'members:manage' } }, async () => ({ ok: true }));
}

beforeAll(async () => {
  h = await createTestApp({ extraRoutes: [probeRoutes, exportProbe], now: clock.now });
  ws = await makeWorkspace(h);
});
afterAll(async () => {
  await h.close();
});

let n = 0;
const make = (who: SignedIn | Record<string, string>, scopes: string[], extra: Record<string, unknown> = {}) =>
  h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: 'headers' in who ? (who as SignedIn).headers : who, payload: { name: `t${++n}`, scopes, ...extra } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (url: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url, headers });
const scopesOf = async (id: string) => (await asOwner<{ scopes: string[] }>(h.t, `select scopes from api_tokens where id = $1`, [id]))[0]?.scopes;

describe('making tokens', () => {
  it('a member makes a token for themself: shown once, hashed, 90 days by default, last use shown', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const r = await make(sales, ['contacts:read']);
    expect(r.statusCode).toBe(201);
    const { id, token, expiresAt } = r.json<{ id: string; token: string; expiresAt: string }>();
    expect(token).toMatch(/^cfd_/);
    expect(new Date(expiresAt).getTime()).toBe(clock.now().getTime() + 90 * 86_400_000);
    const [row] = await asOwner<{ token_hash: Buffer; created_by: string }>(h.t, `select token_hash, created_by from api_tokens where id = $1`, [id]);
    expect(row!.created_by).toBe(sales.userId);
    expect(row!.token_hash.toString('latin1')).not.toContain(token);
    expect((await get('/api/v1/_probe/any', bearer(token))).statusCode).toBe(200);
    const list = (await get('/api/v1/tokens', { cookie: sales.cookie })).json<{ items: Array<{ id: string; lastUsedAt: string | null; createdBy: string }> }>();
    expect(list.items).toEqual([expect.objectContaining({ id, createdBy: sales.userId, lastUsedAt: clock.now().toISOString() })]);
  });

  it('a token can never exceed its maker: 422 naming the scope, and the hook bounds it anyway', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const r = await make(sales, ['contacts:read', 'contacts:export']);
    expect(r.statusCode).toBe(422);
    const errors = r.json<{ errors: Array<{ path: string; message: string }> }>().errors;
    expect(errors.map((e) => e.path)).toEqual(['scopes.1']);
    expect(errors[0]?.message).toContain('contacts:export');
    expect((await make(sales, ['no:such'])).statusCode).toBe(422);
    // written past the API, a wider scope still does nothing the maker cannot
    const forged = await tokenFor(h, ws.workspaceId, ['contacts:export'], sales.userId);
    expect((await get('/api/v1/_probe/export', bearer(forged))).statusCode).toBe(403);
  });

  it('`all` is every scope the maker holds but members:manage and tokens:manage', async () => {
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const r = await make(admin, ['all']);
    expect(r.statusCode).toBe(201);
    const scopes = await scopesOf(r.json<{ id: string }>().id);
    expect(scopes).toContain('workspace:manage');
    expect(scopes).not.toContain('members:manage');
    expect(scopes).not.toContain('tokens:manage');
    expect((await get('/api/v1/_probe/manage', bearer(r.json<{ token: string }>().token))).statusCode).toBe(403);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect(await scopesOf((await make(sales, ['all'])).json<{ id: string }>().id)).toEqual(['contacts:read', 'contacts:write']);
    // named explicitly by a member who holds it, a manage scope is allowed
    expect((await make(admin, ['members:manage'])).statusCode).toBe(201);
  });

  it('tokens do not make tokens; unenrolled members do not either', async () => {
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const token = (await make(admin, ['all'])).json<{ token: string }>().token;
    expect((await make(bearer(token), ['contacts:read'])).statusCode).toBe(403);
    const unenrolled = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
    const r = await make(unenrolled, ['contacts:read']);
    expect(r.statusCode).toBe(403);
    expect(r.json<{ type: string }>().type).toMatch(/\/totp-enrolment-required$/);
  });

  it('owners are mailed when a token is made, and it is audited', async () => {
    const support = await signInAs(h, ws.workspaceId, 'support');
    const r = await make(support, ['contacts:read'], { name: 'nightly-sync' });
    expect(r.statusCode).toBe(201);
    const mail = (await sentMail(h)).find((m) => m.body.includes('"nightly-sync"'));
    expect(mail?.to).toContain(ws.ownerEmail);
    expect(mail?.body).toContain(support.email);
    const [event] = await asOwner<{ actor_id: string; details: { tokenId: string; scopes: string[] } }>(h.t,
      `select actor_id, details from audit_events where action = 'token.created' and details->>'tokenId' = $1`, [r.json<{ id: string }>().id]);
    expect(event).toMatchObject({ actor_id: support.userId, details: { scopes: ['contacts:read'] } });
  });
});

describe('listing and revoking', () => {
  it('members see and revoke their own; tokens:manage sees and revokes all', async () => {
    const a = await signInAs(h, ws.workspaceId, 'sales');
    const b = await signInAs(h, ws.workspaceId, 'sales');
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    const ta = (await make(a, ['contacts:read'])).json<{ id: string; token: string }>();
    const tb = (await make(b, ['contacts:read'])).json<{ id: string; token: string }>();
    const mine = (await get('/api/v1/tokens', { cookie: a.cookie })).json<{ items: Array<{ id: string }> }>().items.map((t) => t.id);
    expect(mine).toEqual([ta.id]);
    const all = (await get('/api/v1/tokens', { cookie: admin.cookie })).json<{ items: Array<{ id: string }> }>().items.map((t) => t.id);
    expect(all).toEqual(expect.arrayContaining([ta.id, tb.id]));
    const del = (who: SignedIn, id: string) => h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: who.headers });
    expect((await del(a, tb.id)).statusCode).toBe(404);
    expect((await del(a, ta.id)).statusCode).toBe(204);
    expect((await get('/api/v1/_probe/any', bearer(ta.token))).statusCode).toBe(401);
    expect((await del(admin, tb.id)).statusCode).toBe(204);
    expect((await get('/api/v1/_probe/any', bearer(tb.token))).statusCode).toBe(401);
    expect((await del(admin, tb.id)).statusCode).toBe(404);
    // a token without tokens:manage manages no tokens
    const plain = (await make(b, ['contacts:read'])).json<{ token: string }>().token;
    expect((await get('/api/v1/tokens', bearer(plain))).statusCode).toBe(403);
  });
});

describe('the CLI', () => {
  const rt = (): OperatorRuntime => ({ db: h.ctx.db, keyring: h.ctx.keyring, vault: h.ctx.vault, hooks: h.ctx.hooks, close: async () => {} });

  it('token create makes an operator token (created_by null); `all` leaves out the manage scopes; owners are told', async () => {
    const created = await tokenCreateCommand(rt(), { workspace: ws.slug, name: 'cli-all', scopes: 'all', expires: '10' }, clock.now());
    expect(new Date(created.expiresAt).getTime()).toBe(clock.now().getTime() + 10 * 86_400_000);
    const [row] = await asOwner<{ created_by: string | null; scopes: string[] }>(h.t, `select created_by, scopes from api_tokens where id = $1`, [created.id]);
    expect(row!.created_by).toBeNull();
    expect(row!.scopes).toContain('contacts:export');
    expect(row!.scopes).not.toContain('members:manage');
    expect(row!.scopes).not.toContain('tokens:manage');
    expect((await get('/api/v1/_probe/export', bearer(created.token))).statusCode).toBe(200);
    expect((await get('/api/v1/_probe/manage', bearer(created.token))).statusCode).toBe(403);
    const mail = (await sentMail(h)).find((m) => m.body.includes('"cli-all"'));
    expect(mail?.to).toContain(ws.ownerEmail);
    expect(mail?.body).toContain('the operator');
    await expect(tokenCreateCommand(rt(), { workspace: ws.slug, name: 'bad', scopes: 'contacts:read,nope' }, clock.now())).rejects.toThrow();
    await expect(tokenCreateCommand(rt(), { workspace: 'no-such-ws', name: 'x', scopes: 'all' }, clock.now())).rejects.toThrow(/no workspace/);
  });

  it('token revoke: the token’s very next request gets 401', async () => {
    const created = await tokenCreateCommand(rt(), { workspace: ws.slug, name: 'cli-revoke', scopes: 'contacts:read' }, clock.now());
    expect((await get('/api/v1/_probe/any', bearer(created.token))).statusCode).toBe(200);
    expect(await tokenRevokeCommand(rt(), { workspace: ws.slug, name: 'cli-revoke' }, clock.now())).toEqual({ id: created.id });
    expect((await get('/api/v1/_probe/any', bearer(created.token))).statusCode).toBe(401);
    await expect(tokenRevokeCommand(rt(), { workspace: ws.slug, name: 'cli-revoke' }, clock.now())).rejects.toThrow(/no live token/);
    const events = await asOwner<{ actor_type: string }>(h.t, `select actor_type from audit_events where action = 'token.revoked' and details->>'tokenId' = $1`, [created.id]);
    expect(events).toEqual([{ actor_type: 'operator' }]);
  });
});
