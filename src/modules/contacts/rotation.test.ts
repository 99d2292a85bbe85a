import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { rotateKeys } from '../../platform/crypto/index.js';
import { enqueue } from '../../platform/jobs/index.js';
import { REINDEX_JOB } from './reindex-job.js';
import { api, contactsApp, created, workspace, type Page } from './contacts.test-helper.js';

let h: TestApp;
let c: ReturnType<typeof api>;
beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
});
afterAll(async () => {
  await h.close();
});

describe('key rotation re-indexes contacts', () => {
  it('new lookup values under the new epoch; email lookup and search keep working', async () => {
    const ws = await workspace(h);
    const id = created(await c.create(ws.owner, { firstName: 'Rotated', lastName: 'Rosalind', emails: [{ address: 'rosalind@rotation.example' }], tags: ['turning'] }));
    const lookup = () => asOwner<{ kind: number; value: Buffer }>(h.t, 'select kind, value from contact_lookup where contact_id = $1 order by kind, value', [id]);
    const terms = async () => (await asOwner<{ t: string }>(h.t, 'select unnest(terms)::text as t from contacts where id = $1', [id])).map((r) => r.t);
    const before = await lookup();
    const termsBefore = await terms();
    expect(before.map((b) => b.kind)).toEqual([1]);
    expect(termsBefore.length).toBeGreaterThan(5);
    const r = await rotateKeys({ db: h.ctx.db, keyring: h.ctx.keyring, vault: h.ctx.vault, now: h.ctx.now() });
    expect(r.epoch).toBe(2);
    const after = await lookup();
    expect(after).toHaveLength(before.length);
    const old = new Set(before.map((b) => b.value.toString('hex')));
    expect(after.filter((a) => old.has(a.value.toString('hex')))).toEqual([]);
    const termsAfter = await terms();
    expect(termsAfter).toHaveLength(termsBefore.length);
    expect(termsAfter.filter((t) => termsBefore.includes(t))).toEqual([]);
    expect((await c.list(ws.owner, { email: 'ROSALIND@rotation.example' })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    expect((await c.list(ws.owner, { q: 'rosal rot' })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    expect((await c.list(ws.owner, { tag: 'Turning' })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    const dup = await c.create(ws.owner, { firstName: 'X', lastName: 'Y', emails: [{ address: 'rosalind@rotation.example' }] });
    expect(dup.statusCode).toBe(409);
  });
});

describe('the contacts.reindex job (queued by migration 0021)', () => {
  it('rebuilds the blind terms of a workspace from its records', async () => {
    const ws = await workspace(h);
    const id = created(await c.create(ws.owner, { firstName: 'Reindexed', lastName: 'Rutherford', tags: ['again'] }));
    await asOwner(h.t, `update contacts set terms = '{}' where id = $1`, [id]);
    expect((await c.list(ws.owner, { q: 'rutherf' })).json<Page>().items).toEqual([]);
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => enqueue(trx, { kind: REINDEX_JOB, workspaceId: ws.workspaceId }));
    let done = 0;
    for (let round = 0; round < 10; round += 1) {
      const report = await h.ctx.jobs.runOnce(h.ctx.now());
      done += report.done;
      if (report.claimed === 0) break;
    }
    expect(done).toBeGreaterThanOrEqual(1);
    expect((await c.list(ws.owner, { q: 'rutherf' })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    expect((await c.list(ws.owner, { tag: 'again' })).json<Page>().items.map((i) => i.id)).toEqual([id]);
  });
});
