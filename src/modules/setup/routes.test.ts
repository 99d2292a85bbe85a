import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asOwner } from '../../../test/helpers/db.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createSetupLinkStep } from './link.js';
import { hashSetupToken, issueSetupToken } from './service.js';

const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-setup-keys-'));
const PASSWORD = 'correct horse battery staple';

function body(token: string, overrides: Record<string, unknown> = {}) {
  return { token, workspaceName: 'Acme Ltd', slug: 'acme', ownerEmail: 'Owner@Example.com ', ownerPassword: PASSWORD, ...overrides };
}

describe('first-run setup', () => {
  let h: TestApp;
  let token: string;

  beforeAll(async () => {
    h = await createTestApp({
      config: { keys: { dir: keysDir, inline: undefined, dirIsDefault: false } },
    });
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(keysDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    token = (await issueSetupToken(h.ctx.db)) ?? '';
  });

  const post = (payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/api/v1/setup', payload });
  const workspaces = () => asOwner<{ id: string; slug: string; name: string }>(h.t, 'select id, slug, name from workspaces');

  it('stores only the SHA-256 of the token, in a table the app role cannot read', async () => {
    const rows = await asOwner<{ token_hash: Buffer }>(h.t, 'select token_hash from setup_tokens');
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.token_hash).equals(hashSetupToken(token))).toBe(true);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    await expect(h.ctx.db.withSystem((trx) => sql`select * from setup_tokens`.execute(trx))).rejects.toThrow(/permission denied/);
  });

  it('says setup is open while no workspace exists', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/setup' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ open: true });
  });

  it('refuses a wrong token with 403 and creates nothing', async () => {
    const res = await post(body(`${token.slice(0, -2)}xx`));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json<{ type: string }>().type).toMatch(/\/setup-closed$/);
    expect(await workspaces()).toEqual([]);
  });

  it('answers bad fields with 400 naming each field, and does not spend the token', async () => {
    const res = await post(body(token, { slug: 'Not A Slug!', ownerEmail: 'nope', ownerPassword: 'short', workspaceName: '' }));
    expect(res.statusCode).toBe(400);
    const paths = res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path).sort();
    expect(paths).toEqual(['body.ownerEmail', 'body.ownerPassword', 'body.slug', 'body.workspaceName']);
    expect(res.body).not.toContain('short');
    const rows = await asOwner(h.t, 'select 1 from setup_tokens');
    expect(rows).toHaveLength(1);
  });

  it('creates the first workspace and owner once; the token then stops working', async () => {
    const res = await post(body(token));
    expect(res.statusCode).toBe(201);
    const created = res.json<{ workspaceId: string; ownerUserId: string; slug: string }>();
    expect(created).toMatchObject({ slug: 'acme' });
    expect(await workspaces()).toEqual([{ id: created.workspaceId, slug: 'acme', name: 'Acme Ltd' }]);

    const users = await asOwner<{ id: string; role: string; email_ciphertext: Buffer; password_hash: string }>(
      h.t,
      'select id, role, email_ciphertext, password_hash from users',
    );
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: created.ownerUserId, role: 'owner' });
    expect(Buffer.from(users[0]!.email_ciphertext).toString('latin1')).not.toContain('example.com');
    expect(users[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const events = await asOwner<{ action: string; actor_id: string }>(h.t, 'select action, actor_id from audit_events');
    expect(events).toEqual([{ action: 'workspace.created', actor_id: created.ownerUserId }]);
    expect(await asOwner(h.t, 'select 1 from setup_tokens')).toEqual([]);

    const reuse = await post(body(token, { slug: 'acme-2' }));
    expect(reuse.statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ open: false });
    expect(await issueSetupToken(h.ctx.db)).toBeNull();
  });
});

describe('setup races and the printed link', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp({
      config: { keys: { dir: keysDir, inline: undefined, dirIsDefault: false } },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('prints the link with the token in the fragment, keeps it out of the log, and only the newest link works', async () => {
    const printed: string[] = [];
    const step = createSetupLinkStep((line) => printed.push(line));
    const first = await step(h.ctx, 'http://localhost:43210');
    const second = await step(h.ctx, 'http://localhost:43210');
    expect(printed).toHaveLength(2);
    expect(printed[1]).toMatch(/^Open http:\/\/localhost:43210\/setup#token=[A-Za-z0-9_-]{43} to create the first workspace$/);
    const tokenOf = (link: string | null) => new URL(link ?? '').hash.replace('#token=', '');
    expect(h.logs.text).not.toContain(tokenOf(second));
    expect(h.logs.text).toContain('first-run setup is open');

    const stale = await h.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body(tokenOf(first)) });
    expect(stale.statusCode).toBe(403);

    // Two submissions of the same link at once: exactly one creates a workspace.
    const [a, b] = await Promise.all([
      h.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body(tokenOf(second), { slug: 'one' }) }),
      h.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body(tokenOf(second), { slug: 'two' }) }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 403]);
    expect(await asOwner(h.t, 'select slug from workspaces')).toHaveLength(1);

    printed.length = 0;
    expect(await step(h.ctx, 'http://localhost:43210')).toBeNull();
    expect(printed).toEqual([]);
  });
});
