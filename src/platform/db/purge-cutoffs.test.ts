import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';

/**
 * The SECURITY DEFINER purges cross workspaces, so their cut-off is the
 * database's now() minus a fixed retention (migration 0025): the app role —
 * or SQL injected into it — cannot make them delete what is still fresh.
 */
let t: TestDatabase;
const ws = randomUUID();
const FAR_FUTURE = '9999-12-31T00:00:00Z';

beforeAll(async () => {
  t = await createTestDatabase();
  await asOwner(t, `insert into workspaces (id, slug, name) values ($1, $2, 'Purge test')`, [ws, `purge-${ws.slice(0, 8)}`]);
});
afterAll(async () => {
  await t.drop();
});

/** Fresh rows in every purged table: a day-old failure counter, a minute-old job, key and export. */
async function freshRows(): Promise<void> {
  await asOwner(t, `insert into jobs (kind, state, finished_at) values ('purge.test', 'done', now() - interval '1 minute'), ('purge.test', 'failed', now() - interval '1 minute')`);
  await asOwner(t, `insert into auth_throttle (key, failures, last_failure_at) values ($1, 3, now() - interval '1 minute')`, [randomBytes(32)]);
  await asOwner(t, `insert into idempotency_keys (workspace_id, actor_key, key, request_hash, status, created_at)
    values ($1, $2, 'k-' || gen_random_uuid(), '\\x00', 201, now() - interval '1 minute')`, [ws, `user:${randomUUID()}`]);
  await asOwner(t, `insert into contact_exports (workspace_id, id, format, actor_type, actor_id, row_count, chunk_count, created_at, expires_at)
    values ($1, gen_random_uuid(), 'csv', 'user', gen_random_uuid(), 0, 0, now(), now() + interval '1 hour')`, [ws]);
}

async function counts(): Promise<Record<string, number>> {
  const [row] = await asOwner<Record<string, number>>(t, `select
    (select count(*) from jobs where kind = 'purge.test' and state = 'done')::int as done,
    (select count(*) from jobs where kind = 'purge.test' and state = 'failed')::int as failed,
    (select count(*) from auth_throttle)::int as throttle,
    (select count(*) from idempotency_keys where workspace_id = '${ws}')::int as idempotency,
    (select count(*) from contact_exports where workspace_id = '${ws}')::int as exports`);
  return row!;
}

/** Every purge called as the app role with the given cut-offs; returns what each said it deleted. */
async function purgeAll(cutoff: string): Promise<number[]> {
  return t.db.withSystem(async (trx) => {
    const out: number[] = [];
    for (const q of [
      sql<{ n: number }>`select confidant_job_purge(${cutoff}::timestamptz, ${cutoff}::timestamptz)::int as n`,
      sql<{ n: number }>`select confidant_auth_throttle_purge(${cutoff}::timestamptz)::int as n`,
      sql<{ n: number }>`select confidant_idempotency_purge(${cutoff}::timestamptz)::int as n`,
      sql<{ n: number }>`select confidant_export_purge(${cutoff}::timestamptz)::int as n`,
    ]) out.push((await q.execute(trx)).rows[0]!.n);
    return out;
  });
}

describe('purges across workspaces cut at the database clock', () => {
  it('a far-future cut-off from the app role deletes nothing fresh', async () => {
    await freshRows();
    const before = await counts();
    expect(before).toEqual({ done: 1, failed: 1, throttle: 1, idempotency: 1, exports: 1 });
    expect(await purgeAll(FAR_FUTURE)).toEqual([0, 0, 0, 0]);
    expect(await purgeAll('infinity')).toEqual([0, 0, 0, 0]);
    expect(await counts()).toEqual(before);
  });

  it('rows past the fixed retention still go, and a caller may keep them longer', async () => {
    await asOwner(t, `update jobs set finished_at = now() - interval '8 days' where kind = 'purge.test' and state = 'done'`);
    await asOwner(t, `update jobs set finished_at = now() - interval '29 days' where kind = 'purge.test' and state = 'failed'`);
    await asOwner(t, `update auth_throttle set last_failure_at = now() - interval '25 hours'`);
    await asOwner(t, `update idempotency_keys set created_at = now() - interval '25 hours' where workspace_id = $1`, [ws]);
    await asOwner(t, `update contact_exports set expires_at = now() - interval '1 second' where workspace_id = $1`, [ws]);
    // An earlier cut-off than the function's own keeps them.
    expect(await purgeAll('2000-01-01T00:00:00Z')).toEqual([0, 0, 0, 0]);
    expect(await purgeAll(FAR_FUTURE)).toEqual([1, 1, 1, 1]);
    // A failed job is kept 30 days, whatever the caller asks.
    expect(await counts()).toEqual({ done: 0, failed: 1, throttle: 0, idempotency: 0, exports: 0 });
    await asOwner(t, `update jobs set finished_at = now() - interval '31 days' where kind = 'purge.test' and state = 'failed'`);
    expect(await purgeAll(FAR_FUTURE)).toEqual([1, 0, 0, 0]);
  });

  it('a counter still blocking is kept even when its last failure is old', async () => {
    await asOwner(t, `insert into auth_throttle (key, failures, last_failure_at, blocked_until) values ($1, 9, now() - interval '2 days', now() + interval '1 hour')`, [randomBytes(32)]);
    expect(await purgeAll(FAR_FUTURE)).toEqual([0, 0, 0, 0]);
    expect((await counts()).throttle).toBe(1);
  });
});
