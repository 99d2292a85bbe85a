/**
 * Imports of one workspace running at once (docs/imports.md "How it runs",
 * two imports at once): each run loads the workspace's emails and phones when it starts,
 * so without the landing lock two runs never saw each other's rows and a
 * person in both files was added twice.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { workspace, type Ws } from '../contacts/contacts.test-helper.js';
import { createImport, importStatus, runImport } from './service.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

const csv = (n: number): string =>
  `${['firstName,lastName,email,phone', ...Array.from({ length: n }, (_, i) => `Same${i},Person${i},same${i}@concurrent.example,+49 151 ${String(20_000_000 + i)}`)].join('\n')}\n`;

async function queued(ws: Ws, text: string, duplicates: 'skip' | 'update'): Promise<string> {
  return createImport(h.ctx, ws.workspaceId, { type: 'user', id: ws.owner.userId }, Readable.from([Buffer.from(text)]),
    () => ({ lawfulBasis: 'consent', source: 'concurrent test', duplicates }));
}

/** Contacts, and the most contacts holding one email index value (1: every address once). */
async function counts(ws: Ws): Promise<{ contacts: number; perEmail: number; emails: number }> {
  const [c] = await asOwner<{ n: number }>(h.t, 'select count(*)::int as n from contacts where workspace_id = $1', [ws.workspaceId]);
  const [e] = await asOwner<{ most: number; emails: number }>(h.t,
    `select coalesce(max(n), 0)::int as most, count(*)::int as emails from (
       select count(*) as n from contact_lookup where workspace_id = $1 and kind = 1 group by value) v`, [ws.workspaceId]);
  return { contacts: c!.n, perEmail: e!.most, emails: e!.emails };
}

describe('imports of one workspace at once', () => {
  for (const duplicates of ['skip', 'update'] as const) {
    it(`four imports of one file, run at once with duplicates=${duplicates}, add each person once`, async () => {
      const ws = await workspace(h);
      const n = 60;
      const ids = await Promise.all([0, 1, 2, 3].map(() => queued(ws, csv(n), duplicates)));
      const outcomes = await Promise.all(ids.map((id, k) => runImport(h.ctx, ws.workspaceId, id, { batchSize: 8 + k, threads: k % 2 })));
      expect(outcomes).toEqual(['done', 'done', 'done', 'done']);
      expect(await counts(ws)).toEqual({ contacts: n, perEmail: 1, emails: n });
      const statuses = await Promise.all(ids.map((id) => importStatus(h.ctx, ws.workspaceId, id)));
      const total = (k: 'created' | 'skipped' | 'updated'): number => statuses.reduce((sum, s) => sum + s![k], 0);
      expect(total('created')).toBe(n);
      expect(total('created') + total('skipped') + total('updated')).toBe(4 * n);
    });
  }

  it('an import that started before another landed rows finds them all the same (the set it loaded is stale)', async () => {
    const ws = await workspace(h);
    const n = 60;
    const first = await queued(ws, csv(n), 'skip');
    const second = await queued(ws, csv(n), 'skip');
    // The second run loads its set, then the first lands everything while the second waits on its first batch.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstDone: Promise<unknown> = Promise.resolve();
    let started = false;
    const secondRun = runImport(h.ctx, ws.workspaceId, second, {
      batchSize: 5,
      onBatch: async () => {
        if (started) return;
        started = true;
        firstDone = runImport(h.ctx, ws.workspaceId, first, { batchSize: 7 }).then(release);
        await gate;
      },
    });
    expect(await secondRun).toBe('done');
    await firstDone;
    expect(await counts(ws)).toEqual({ contacts: n, perEmail: 1, emails: n });
    const s = await importStatus(h.ctx, ws.workspaceId, second);
    // Its first batch (and on PostgreSQL maybe the one landing beside it) before the other import; nothing after.
    expect(s).toMatchObject({ status: 'done', processed: n });
    expect(s!.created).toBeGreaterThanOrEqual(5);
    expect(s!.created).toBeLessThanOrEqual(10);
    expect(s!.created + s!.skipped).toBe(n);
  });
});
