import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace } from '../../../test/helpers/auth.js';
import { auditRowsJson } from '../../platform/audit/index.js';
import { updateWorkspaceSettings } from '../workspaces/settings-service.js';
import { claimAlert, recordRead, WINDOW_MS, windowStart, type LedgerOutcome } from './ledger.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h?.close();
});

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function workspace(budget: number): Promise<{ workspaceId: string; ownerId: string; key: string }> {
  const ws = await makeWorkspace(h);
  await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => updateWorkspaceSettings(trx, h.ctx.vault, ws.workspaceId, { readBudgetPerHour: budget }));
  return { ...ws, key: `user:${ws.ownerId}` };
}

function read(ws: { workspaceId: string; ownerId: string; key: string }, ids: readonly string[], now: Date, mayExceed: boolean): Promise<LedgerOutcome> {
  const auditJson = auditRowsJson([{ action: 'contact.read', actor: { type: 'user', id: ws.ownerId }, subjectIds: ids, purpose: 'crm.list' }]);
  return h.ctx.db.withWorkspace(ws.workspaceId, (trx) => recordRead(trx, { key: ws.key, subjectIds: ids, now, mayExceed, auditJson }));
}

/** Minutes whose kept count is not the number of the actor's ledger rows last read in them. */
async function countsOffLedger(workspaceId: string, key: string): Promise<unknown[]> {
  const r = await h.ctx.db.withWorkspace(workspaceId, (trx) =>
    sql<{ minute: Date; kept: number | null; rows: number | null }>`
      with l as (
        select date_bin('1 minute', last_read_at, timestamptz '2000-01-01 00:00:00+00') as minute, count(*)::int as n
        from read_ledger where actor_key = ${key} group by 1
      )
      select coalesce(c.minute, l.minute) as minute, c.people as kept, l.n as rows
      from (select minute, people from read_window_counts where actor_key = ${key}) c
      full join l on l.minute = c.minute
      where coalesce(c.people, 0) <> coalesce(l.n, 0)`.execute(trx),
  );
  return r.rows;
}

describe('the read window, counted as it goes (migration 0026)', () => {
  it('matches the distinct people read since the window’s minute, across hours of reads, refusals, alerts and a clock that moves both ways', async () => {
    const budget = 60;
    const ws = await workspace(budget);
    const people = Array.from({ length: 150 }, () => randomUUID());
    const rnd = generator(15);
    // Odd seconds and milliseconds, so reads fall on either side of minute and window edges.
    let t = Date.UTC(2026, 0, 5, 9, 0, 17, 250);
    const lastRead = new Map<string, number>();
    let alertAt: number | null = null;
    let refused = 0;
    let skipped = 0;
    for (let i = 0; i < 300; i++) {
      // Mostly forward by up to 4 minutes; now and then a few seconds back (another process's clock).
      t += rnd() < 0.1 ? -Math.floor(rnd() * 20_000) : Math.floor(rnd() * 240_000);
      const now = new Date(t);
      const ids = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 15) }, () => people[Math.floor(rnd() * people.length)]!))];
      const mayExceed = rnd() < 0.4;
      if (rnd() < 0.05) {
        const claimed = await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => claimAlert(trx, ws.key, now));
        const expected = alertAt === null || alertAt <= t - WINDOW_MS;
        expect(claimed).toBe(expected);
        if (expected) alertAt = t;
      }

      const edge = windowStart(now).getTime();
      const inWindow = (id: string) => (lastRead.get(id) ?? -Infinity) >= edge;
      const before = [...lastRead.values()].filter((at) => at >= edge).length;
      const after = before + ids.filter((id) => !inWindow(id)).length;
      const out = await read(ws, ids, now, mayExceed);

      const alerted = alertAt !== null && alertAt > t - WINDOW_MS;
      if (mayExceed && alerted) {
        skipped++;
        expect(out).toEqual({ before: null, distinct: null, counted: true, budget });
      } else {
        expect(out, `read ${i} at ${now.toISOString()}`).toEqual({ before, distinct: after, counted: mayExceed || after <= budget, budget });
        // The exact hour is never more than the count, and the count never reaches past one more minute.
        const exact = [...lastRead.values()].filter((at) => at > t - WINDOW_MS).length;
        const wider = [...lastRead.values()].filter((at) => at > t - WINDOW_MS - 60_000).length;
        expect(before).toBeGreaterThanOrEqual(exact);
        expect(before).toBeLessThanOrEqual(wider);
      }
      if (out.counted) for (const id of ids) lastRead.set(id, Math.max(lastRead.get(id) ?? -Infinity, t));
      else refused++;
    }
    // The walk went through refusals, skipped counts and many window edges (≈ 10 hours).
    expect(refused).toBeGreaterThan(5);
    expect(skipped).toBeGreaterThan(5);
    expect(t - Date.UTC(2026, 0, 5, 9)).toBeGreaterThan(5 * WINDOW_MS);
    expect(await countsOffLedger(ws.workspaceId, ws.key)).toEqual([]);
  });

  it('stays right after many reads in one hour, and a refused read writes nothing', async () => {
    const ws = await workspace(2_000);
    const start = Date.UTC(2026, 0, 6, 12, 0, 30);
    const ids = Array.from({ length: 2_000 }, () => randomUUID());
    for (let i = 0; i < 40; i++) {
      const out = await read(ws, ids.slice(i * 50, (i + 1) * 50), new Date(start + i * 60_000), false);
      expect(out).toEqual({ before: i * 50, distinct: (i + 1) * 50, counted: true, budget: 2_000 });
    }
    // Everyone again, and one new person: not new but one, so past the budget: refused whole.
    const extra = randomUUID();
    const refused = await read(ws, [...ids, extra], new Date(start + 45 * 60_000), false);
    expect(refused).toEqual({ before: 2_000, distinct: 2_001, counted: false, budget: 2_000 });
    const known = await h.ctx.db.withWorkspace(ws.workspaceId, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from read_ledger where subject_id = ${extra}`.execute(trx),
    );
    expect(known.rows[0]?.n).toBe(0);
    // 61 minutes and a half after the first page (read at :00:30), its minute has left the window.
    const later = await read(ws, [extra], new Date(start + 61 * 60_000), false);
    expect(later).toEqual({ before: 1_950, distinct: 1_951, counted: true, budget: 2_000 });
    expect(await countsOffLedger(ws.workspaceId, ws.key)).toEqual([]);
  });
});
