import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { openDatabase, type Database } from '../db/database.js';
import { enqueue } from './queue.js';
import { JobRunner } from './runner.js';

// PostgreSQL only: three separate pools stand in for three worker processes,
// each draining the queue as fast as it can with no rounds to keep them in step.
let t: TestDatabase;
const pools: Database[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  for (let i = 0; i < 2; i++) pools.push(await openDatabase(t.config));
});
afterAll(async () => {
  for (const p of pools) await p.close();
  await t.drop();
});

describe('jobs on PostgreSQL', () => {
  it('free-running workers on separate pools claim each job exactly once', async () => {
    const kind = 'test.free';
    await t.db.withSystem(async (trx) => {
      for (let i = 0; i < 300; i++) await enqueue(trx, { kind, payload: { n: i } });
    });
    const runs = new Map<string, number>();
    const perWorker: number[] = [];
    const now = new Date(Date.now() + 5000);
    const drain = async (db: Database, i: number) => {
      perWorker[i] = 0;
      const runner = new JobRunner(db, { batchSize: 5, workerId: `w${i}` }).register(kind, async (ctx) => {
        runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
        perWorker[i]! += 1;
      });
      while ((await runner.runOnce(now)).claimed > 0);
    };
    await Promise.all([t.db, ...pools, t.db, ...pools].map((db, i) => drain(db, i)));
    expect(runs.size).toBe(300);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(perWorker.filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  it('the app role has no privilege on jobs and cannot run the internal successor function', async () => {
    await expect(t.db.withSystem((trx) => sql`delete from jobs`.execute(trx))).rejects.toThrow(/permission denied/);
    await expect(
      t.db.withSystem((trx) => sql`select confidant_job_successor(null::jobs, now())`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });
});
