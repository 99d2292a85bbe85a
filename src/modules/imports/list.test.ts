/**
 * GET /api/v1/imports (docs/imports.md "From the API"): the
 * workspace's imports newest first, in keyset pages, each as GET
 * /imports/{id} shows it; another workspace's never; support gets 403.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs } from '../../../test/helpers/auth.js';
import { workspace } from '../contacts/contacts.test-helper.js';
import { insertImport } from './queries.js';
import { createImport, runImport } from './service.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

interface Item { id: string; status: string; created: number; createdAt: string; finishedAt: string | null }

describe('GET /api/v1/imports', () => {
  it('lists the workspace\'s imports newest first, in pages, each as GET /imports/{id} shows it', async () => {
    const ws = await workspace(h);
    const other = await workspace(h);
    const t0 = new Date('2026-12-01T10:00:00Z');
    const older: string[] = [];
    for (let k = 0; k < 4; k += 1) {
      const id = randomUUID();
      await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => insertImport(trx, { workspaceId: ws.workspaceId, id, actorType: 'operator', actorId: null, now: new Date(t0.getTime() + k * 60_000) }));
      older.push(id);
    }
    await h.ctx.db.withWorkspace(other.workspaceId, (trx) => insertImport(trx, { workspaceId: other.workspaceId, id: randomUUID(), actorType: 'operator', actorId: null, now: t0 }));
    const done = await createImport(h.ctx, ws.workspaceId, { type: 'user', id: ws.owner.userId }, Readable.from([Buffer.from('firstName,email\nAda,ada@list.example\n')]),
      () => ({ lawfulBasis: 'consent', source: 'list test' }));
    expect(await runImport(h.ctx, ws.workspaceId, done)).toBe('done');

    const get = (query: string) => h.app.inject({ method: 'GET', url: `/api/v1/imports${query}`, headers: { cookie: ws.owner.cookie } });
    const seen: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json<{ items: Item[]; nextCursor: string | null }>();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((i) => i.id)).toEqual([done, ...[...older].reverse()]);
    expect(seen[1]).toMatchObject({ status: 'queued', createdAt: new Date(t0.getTime() + 3 * 60_000).toISOString(), finishedAt: null });

    const one = await h.app.inject({ method: 'GET', url: `/api/v1/imports/${done}`, headers: { cookie: ws.owner.cookie } });
    const { createdAt, finishedAt, ...status } = seen[0]!;
    expect(status).toEqual(one.json());
    expect(status).toMatchObject({ status: 'done', created: 1 });
    expect(typeof createdAt).toBe('string');
    expect(finishedAt).not.toBeNull();

    expect((await get('?cursor=not-a-cursor')).statusCode).toBe(400);
    const support = await signInAs(h, ws.workspaceId, 'support');
    const denied = await h.app.inject({ method: 'GET', url: '/api/v1/imports', headers: { cookie: support.cookie } });
    expect(denied.statusCode).toBe(403);
  });
});
