import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { openDatabase, type Database } from '../db/database.js';
import { JOBS_PURGE_KIND, registerJobMaintenance } from './maintenance.js';
import { registerJobMetrics } from './metrics.js';
import { countsByState, enqueue, jobCounts, listJobs, retryJob, safeErrorText } from './queue.js';
import { JobRunner, PermanentJobError } from './runner.js';

// Runs on PGlite and, in the postgres project, on PostgreSQL with a second
// connection pool playing the second process.
let t: TestDatabase;
let other: Database;
const ws = randomUUID();
const SEC = 1000;

beforeAll(async () => {
  t = await createTestDatabase();
  other = t.config.kind === 'postgres' ? await openDatabase(t.config) : t.db;
  await t.db.withWorkspace(ws, (trx) =>
    sql`insert into workspaces (id, slug, name) values (${ws}, ${`j-${ws.slice(0, 8)}`}, 'j')`.execute(trx),
  );
});
afterAll(async () => {
  if (other !== t.db) await other.close();
  await t.drop();
});

const later = (base: Date, seconds: number) => new Date(base.getTime() + seconds * SEC);

async function jobsOf(kind: string) {
  return listJobs(t.db, { kind, limit: 1000 });
}

describe('job runner', () => {
  it('two runners racing over many jobs never run the same job twice', async () => {
    const kind = 'test.race';
    const ids = await t.db.withWorkspace(ws, async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < 60; i++) out.push((await enqueue(trx, { kind, payload: { n: i }, workspaceId: ws }))!);
      return out;
    });
    const runs = new Map<string, number>();
    const byRunner = [0, 0, 0, 0];
    const runners = [t.db, other, t.db, other].map((db, i) =>
      new JobRunner(db, { batchSize: 3, workerId: `racer-${i}` }).register(kind, async (ctx) => {
        runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
        byRunner[i]! += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }),
    );
    const now = later(new Date(), 5);
    for (let round = 0; round < 60; round++) {
      const reports = await Promise.all(runners.map((r) => r.runOnce(now)));
      if (reports.every((r) => r.claimed === 0)) break;
    }
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(byRunner.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect((await jobsOf(kind)).every((j) => j.state === 'done' && j.attempts === 1)).toBe(true);
  });

  it('a failing job is retried with backoff, then fails with its (scrubbed) error', async () => {
    const kind = 'test.fail';
    let calls = 0;
    const runner = new JobRunner(t.db, { backoff: { baseSeconds: 10, maxSeconds: 3600 } }).register(kind, async () => {
      calls += 1;
      throw new Error(`upstream refused ada@example.com (try ${calls})`);
    });
    const t0 = later(new Date(), 1);
    await t.db.withSystem((trx) => enqueue(trx, { kind, maxAttempts: 3 }));

    expect(await runner.runOnce(t0)).toMatchObject({ claimed: 1, retried: 1 });
    let [job] = await jobsOf(kind);
    expect(job).toMatchObject({ state: 'queued', attempts: 1 });
    expect(job!.runAt.getTime()).toBe(later(t0, 10).getTime());

    expect((await runner.runOnce(later(t0, 9))).claimed).toBe(0);
    expect(await runner.runOnce(later(t0, 10))).toMatchObject({ claimed: 1, retried: 1 });
    [job] = await jobsOf(kind);
    expect(job!.runAt.getTime()).toBe(later(t0, 30).getTime()); // 10 + 2·10

    expect((await runner.runOnce(later(t0, 29))).claimed).toBe(0);
    expect(await runner.runOnce(later(t0, 30))).toMatchObject({ claimed: 1, failed: 1 });
    expect((await runner.runOnce(later(t0, 99_999))).claimed).toBe(0);
    [job] = await jobsOf(kind);
    expect(job).toMatchObject({ state: 'failed', attempts: 3, lockedBy: null });
    expect(job!.lastError).toBe('upstream refused [email] (try 3)');
    expect(calls).toBe(3);

    expect(await retryJob(t.db, job!.id, later(t0, 100))).toBe(true);
    expect((await runner.runOnce(later(t0, 100))).retried).toBe(1);
  });

  it('a permanent error fails at once', async () => {
    const kind = 'test.permanent';
    const runner = new JobRunner(t.db).register(kind, async () => {
      throw new PermanentJobError('cannot be done');
    });
    await t.db.withSystem((trx) => enqueue(trx, { kind }));
    expect(await runner.runOnce(later(new Date(), 1))).toMatchObject({ failed: 1 });
    expect((await jobsOf(kind))[0]).toMatchObject({ state: 'failed', attempts: 1, lastError: 'PermanentJobError: cannot be done' });
  });

  it('a recurring job stays single across runners and recurs after its interval', async () => {
    const kind = 'test.tick';
    let ticks = 0;
    const make = (db: Database) => new JobRunner(db).register(kind, async () => void (ticks += 1)).schedule(kind, 60);
    const a = make(t.db);
    const b = make(other);
    const t0 = later(new Date(), 1);
    await Promise.all([a.ensureSchedules(t0), b.ensureSchedules(t0), a.ensureSchedules(t0)]);
    expect((await jobsOf(kind)).map((j) => j.state)).toEqual(['queued']);

    await Promise.all([a.runOnce(t0), b.runOnce(t0)]);
    expect(ticks).toBe(1);
    const after = await jobsOf(kind);
    expect(after.map((j) => j.state).sort()).toEqual(['done', 'queued']);
    // due an interval after the previous run finished (on the runner's clock: now + elapsed)
    const next = after.find((j) => j.state === 'queued')!.runAt.getTime();
    expect(next).toBeGreaterThanOrEqual(later(t0, 60).getTime());
    expect(next).toBeLessThan(later(t0, 61).getTime());

    await Promise.all([a.runOnce(later(t0, 30)), b.runOnce(later(t0, 30))]);
    expect(ticks).toBe(1);
    await Promise.all([a.runOnce(later(t0, 61)), b.runOnce(later(t0, 61))]);
    expect(ticks).toBe(2);
    const counts = countsByState((await jobCounts(t.db)).filter((c) => c.kind === kind));
    expect(counts).toEqual({ queued: 1, running: 0, done: 2, failed: 0 });
  });

  it("a running job whose worker's lease ran out is taken over", async () => {
    const kind = 'test.lease';
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const isRunning = new Promise<void>((r) => (started = r));
    let runs = 0;
    const slow = new JobRunner(t.db, { leaseSeconds: 30, workerId: 'slow' }).register(kind, async () => {
      runs += 1;
      started();
      await gate;
    });
    const rescuer = new JobRunner(other, { leaseSeconds: 30, workerId: 'rescuer' }).register(kind, async () => {
      runs += 1;
    });
    await t.db.withSystem((trx) => enqueue(trx, { kind }));
    const t0 = later(new Date(), 1);
    const slowRun = slow.runOnce(t0);
    await isRunning;
    expect((await rescuer.runOnce(later(t0, 29))).claimed).toBe(0);
    expect(await rescuer.runOnce(later(t0, 31))).toMatchObject({ claimed: 1, done: 1 });
    release();
    expect(await slowRun).toMatchObject({ claimed: 1, lost: 1 });
    expect((await jobsOf(kind))[0]).toMatchObject({ state: 'done', attempts: 2 });
    expect(runs).toBe(2);
  });

  it('a crashed worker on its last attempt leaves the job failed, not run again', async () => {
    const kind = 'test.crash';
    const id = await t.db.withSystem((trx) => enqueue(trx, { kind, maxAttempts: 1 }));
    const t0 = later(new Date(), 1);
    await asOwner(
      t,
      `update jobs set state = 'running', attempts = 1, locked_by = 'dead', locked_until = $2 where id = $1`,
      [id, later(t0, -1)],
    );
    let runs = 0;
    const runner = new JobRunner(t.db).register(kind, async () => void (runs += 1));
    await runner.runOnce(t0);
    expect(runs).toBe(1);
    // attempts counts claims: the takeover is attempt 2 of 1, so a failure now would be final
    expect((await jobsOf(kind))[0]).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('stop() waits for the running handler', async () => {
    const kind = 'test.stop';
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const isRunning = new Promise<void>((r) => (started = r));
    let finished = false;
    const runner = new JobRunner(t.db, { pollIntervalMs: 5 }).register(kind, async () => {
      started();
      await gate;
      finished = true;
    });
    await t.db.withSystem((trx) => enqueue(trx, { kind, runAt: new Date(Date.now() - 60 * SEC) }));
    runner.start();
    await isRunning;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect((await jobsOf(kind))[0]!.state).toBe('done');
  });
});

describe('job queue', () => {
  it('dedupe keys keep one pending job; payloads refuse personal data', async () => {
    const kind = 'test.dedupe';
    const [a, b] = await t.db.withWorkspace(ws, async (trx) => [
      await enqueue(trx, { kind, workspaceId: ws, dedupeKey: 'k1' }),
      await enqueue(trx, { kind, workspaceId: ws, dedupeKey: 'k1' }),
    ]);
    expect(a).toBeTruthy();
    expect(b).toBeNull();
    await expect(t.db.withSystem((trx) => enqueue(trx, { kind, payload: { to: 'ada@example.com' } }))).rejects.toThrow(
      /ids only/,
    );
  });

  it('a workspace job can only be queued from that workspace', async () => {
    const kind = 'test.cross';
    await expect(t.db.withSystem((trx) => enqueue(trx, { kind, workspaceId: ws }))).rejects.toThrow(/workspace/);
    await expect(
      t.db.withWorkspace(randomUUID(), (trx) => enqueue(trx, { kind, workspaceId: ws })),
    ).rejects.toThrow(/workspace/);
  });

  it('a workspace sees only its own jobs; the app role cannot touch the table', async () => {
    const mine = await listJobs(t.db, { workspaceId: ws, limit: 1000 });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((j) => j.workspaceId === ws)).toBe(true);
    expect(await listJobs(t.db, { workspaceId: randomUUID() })).toEqual([]);
    await expect(t.db.withSystem((trx) => sql`select count(*) from jobs`.execute(trx))).rejects.toThrow(
      /permission denied/,
    );
  });

  it('safeErrorText keeps the message only, scrubbed and truncated', () => {
    const err = new Error(`x`.repeat(2000));
    expect(safeErrorText(err)).toHaveLength(500);
    expect(safeErrorText(new Error('rejected <bob@example.org> from 10.1.2.3'))).toBe('rejected <[email]> from [ip]');
  });

  it('the queue-depth gauge reports jobs by state', async () => {
    const registry = new client.Registry();
    registerJobMetrics(registry, t.db);
    const text = await registry.metrics();
    const byState = countsByState(await jobCounts(t.db));
    expect(byState.done).toBeGreaterThan(0);
    for (const state of ['queued', 'running', 'done', 'failed'] as const) {
      expect(text).toContain(`confidant_jobs_queue_depth{state="${state}"} ${byState[state]}`);
    }
  });

  it('the hourly purge forgets done jobs after 7 days and keeps failed ones for 30', async () => {
    const before = countsByState(await jobCounts(t.db));
    expect(before.done).toBeGreaterThan(0);
    expect(before.failed).toBeGreaterThan(0);
    // The purge cuts at the database's clock (migration 0025), not the runner's:
    // the jobs are made old, as an insider would, rather than the clock moved.
    await asOwner(t, `update jobs set finished_at = now() - interval '8 days' where state in ('done', 'failed')`);
    const runner = new JobRunner(t.db);
    registerJobMaintenance(runner, t.db);
    expect(await runner.runOnce(new Date())).toMatchObject({ claimed: 1, done: 1 });
    const after = await jobCounts(t.db);
    expect(after.filter((c) => c.state === 'done')).toEqual([{ kind: JOBS_PURGE_KIND, state: 'done', count: 1 }]);
    expect(countsByState(after).failed).toBe(before.failed);
    expect(after.find((c) => c.kind === JOBS_PURGE_KIND && c.state === 'queued')?.count).toBe(1);
  });
});
