/**
 * `npm run bench read-window` (issue #15 point 11): what one audited read's
 * ledger call (`confidant_record_read`) costs at the start of an actor's hour
 * and once the actor has read 50,000 distinct people in it. Target: the
 * 50,000th read costs the same as the 1st, within noise.
 *
 * Each round, two actors of one workspace read one new person per call (an
 * email lookup's shape), one through today's function and one through the
 * function before migration 0026 (0024's whole-window count), installed under another
 * name as the baseline; their calls alternate. Medians of SAMPLE calls around
 * the 1st read and around the 50,000th; between the two, the actor of today's
 * function reads the rest of the 50,000 in pages of 1,000, spread over 50
 * minutes of the hour (the clock is passed in, as the app does), and the
 * baseline actor is given the same ledger rows. Around the 50,000th, two fresh
 * actors' first reads alternate with the late ones, so the ratio compares
 * calls made at the same moment on the same (grown) tables. Each call
 * is timed from the client (loopback round trip included) inside a workspace
 * transaction as the app role. The budget is set out of reach and the actor
 * has no export permission, so every call counts the window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createAppContext } from '../src/context.js';
import { auditRowsJson, recordAudit } from '../src/platform/audit/index.js';
import { MIGRATIONS_DIR } from '../src/platform/db/migrate.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import { createWorkspace } from '../src/modules/workspaces/service.js';
import { updateWorkspaceSettings } from '../src/modules/workspaces/settings-service.js';
import { benchDatabase, median, print } from './lib.js';

const PEOPLE = Number(process.env.BENCH_WINDOW_PEOPLE ?? 50_000);
const SAMPLE = Number(process.env.BENCH_WINDOW_SAMPLE ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE = 1_000;
const HOUR = 3_600_000;

type Fn = 'confidant_record_read' | 'bench_record_read_0024';

interface Actor {
  fn: Fn;
  key: string;
  userId: string;
  read: number;
  start: number;
}

async function ownerQuery(ownerUrl: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** The function before 0026 (migration 0024's text), under another name: the baseline. */
async function installBaseline(ownerUrl: string): Promise<void> {
  const text = fs.readFileSync(path.join(MIGRATIONS_DIR, '0024_record_read_window_once.sql'), 'utf8');
  await ownerQuery(ownerUrl, text.replaceAll('confidant_record_read', 'bench_record_read_0024'));
}

/** One call of `a.fn` reading `ids`; returns the call's milliseconds. */
async function call(db: Database, workspaceId: string, a: Actor, ids: string[]): Promise<number> {
  // People are read evenly over 50 minutes of the actor's hour.
  const now = new Date(a.start + Math.floor((a.read / PEOPLE) * 50 * 60_000));
  const since = new Date(now.getTime() - HOUR);
  const audit = auditRowsJson([{ action: 'contact.read', actor: { type: 'user', id: a.userId }, subjectIds: ids, purpose: 'crm.view' }]);
  const fn = sql.raw(a.fn);
  return db.withWorkspace(workspaceId, async (trx) => {
    const t0 = performance.now();
    const r = await sql<{ n_after: number | null; counted: boolean }>`
      select * from ${fn}(${a.key}, ${ids}::uuid[], ${now}::timestamptz, ${since}::timestamptz, false, 1000, ${audit}::jsonb)`.execute(trx);
    const ms = performance.now() - t0;
    const row = r.rows[0];
    a.read += ids.length;
    if (!row?.counted || Number(row.n_after) !== a.read) throw new Error(`${a.fn}: counted ${row?.n_after} after ${a.read} reads`);
    return ms;
  });
}

/** SAMPLE single reads by each actor, alternating: the medians in ms. */
async function sample(db: Database, workspaceId: string, actors: Actor[], n = SAMPLE): Promise<number[]> {
  const times: number[][] = actors.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [n, a] of actors.entries()) times[n]!.push(await call(db, workspaceId, a, [randomUUID()]));
  }
  return times.map(median);
}

export async function run(): Promise<void> {
  const pgdb = await benchDatabase();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-bench-'));
  const config = {
    ...loadConfig({ PORT: '0', DATA_DIR: path.join(tmp, 'data'), CONFIDANT_KEYS_DIR: path.join(tmp, 'keys'), LOG_LEVEL: 'silent' }),
    database: { kind: 'postgres' as const, ownerUrl: pgdb.ownerUrl, appUrl: pgdb.appUrl, poolSize: 4 },
  };
  const db = await openDatabase(config.database, { migrate: true });
  const ctx = await createAppContext(config, db, { logger: createLogger('silent') });
  try {
    await installBaseline(pgdb.ownerUrl);
    const created = await createWorkspace(
      { db, vault: ctx.vault, recordAudit },
      { name: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.example', ownerPassword: 'bench password 123', now: new Date() },
    );
    const ws = created.workspaceId;
    await db.withWorkspace(ws, (trx) => updateWorkspaceSettings(trx, ctx.vault, ws, { readBudgetPerHour: 1_000_000 }));
    print(`${ROUNDS} rounds; each: ${SAMPLE} single reads per function around the 1st and the ${PEOPLE.toLocaleString('en')}th distinct person of the hour (medians, ms per call)`);
    const ratios: Record<Fn, number[]> = { confidant_record_read: [], bench_record_read_0024: [] };
    const toFirst: Record<Fn, number[]> = { confidant_record_read: [], bench_record_read_0024: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Each round's actors start a fresh hour, days apart from the last round's.
      const start = Date.UTC(2027, 0, 1 + round, 9);
      const actors: Actor[] = (['confidant_record_read', 'bench_record_read_0024'] as const).map((fn) => {
        const userId = randomUUID();
        return { fn, key: `user:${userId}`, userId, read: 0, start };
      });
      // Warm-up by two other actors: connections, cached plans, the pages the calls touch.
      await sample(db, ws, actors.map((a) => ({ ...a, key: `user:${randomUUID()}`, read: 0 })), 50);
      const t0 = performance.now();
      const first = await sample(db, ws, actors);
      const t1 = performance.now();
      const fillTo = PEOPLE - Math.floor(SAMPLE / 2);
      const [mine, baseline] = actors as [Actor, Actor];
      const firstIds = await db.withWorkspace(ws, async (trx) =>
        (await sql<{ subject_id: string }>`select subject_id from read_ledger where actor_key = ${mine.key}`.execute(trx)).rows.map((r) => r.subject_id));
      while (mine.read < fillTo) await call(db, ws, mine, Array.from({ length: Math.min(PAGE, fillTo - mine.read) }, () => randomUUID()));
      // 0024's state is its ledger rows alone: the baseline actor gets the same
      // people at the same times (its own pages of 1,000 take ~1 s each there).
      const copied = await db.withWorkspace(ws, (trx) => sql`
        insert into read_ledger (workspace_id, actor_key, subject_id, last_read_at)
        select workspace_id, ${baseline.key}, subject_id, last_read_at from read_ledger
        where actor_key = ${mine.key} and not (subject_id = any(${firstIds}::uuid[]))`.execute(trx));
      baseline.read += Number(copied.numAffectedRows ?? 0);
      // Autovacuum would have analyzed tables this size by now; without fresh
      // statistics the plans cached while they were empty stay (sequential scans).
      await ownerQuery(pgdb.ownerUrl, 'analyze read_ledger, read_window_counts, audit_events');
      const t2 = performance.now();
      // The late reads alternate with two fresh actors' first reads at the same
      // moment: the ratio between them is free of the machine's drift between the phases.
      const fresh = actors.map((a) => ({ ...a, key: `user:${randomUUID()}`, read: 0 }));
      const late = await sample(db, ws, [...actors, ...fresh]);
      const t3 = performance.now();
      const [now0, old0] = first as [number, number];
      const [now1, old1, nowFresh, oldFresh] = late as [number, number, number, number];
      ratios.confidant_record_read.push(now1 / nowFresh);
      ratios.bench_record_read_0024.push(old1 / oldFresh);
      toFirst.confidant_record_read.push(now1 / now0);
      toFirst.bench_record_read_0024.push(old1 / old0);
      print(`round ${round + 1}: counted as it goes: 1st ${now0.toFixed(3)}, ${PEOPLE.toLocaleString('en')}th ${now1.toFixed(3)} vs a fresh actor's 1st then ${nowFresh.toFixed(3)} ms (×${(now1 / nowFresh).toFixed(2)}); ` +
        `0018's whole-window count: 1st ${old0.toFixed(3)}, ${PEOPLE.toLocaleString('en')}th ${old1.toFixed(3)} vs ${oldFresh.toFixed(3)} ms (×${(old1 / oldFresh).toFixed(2)}) ` +
        `[${((t1 - t0) / 1000).toFixed(0)} s, ${((t2 - t1) / 1000).toFixed(0)} s, ${((t3 - t2) / 1000).toFixed(0)} s]`);
    }
    print(`${PEOPLE.toLocaleString('en')}th read / the same actor's 1st (minutes earlier), median of rounds: counted as it goes ×${median(toFirst.confidant_record_read).toFixed(2)}; ` +
      `baseline (0018) ×${median(toFirst.bench_record_read_0024).toFixed(2)}`);
    const mine = median(ratios.confidant_record_read);
    const old = median(ratios.bench_record_read_0024);
    print(`${PEOPLE.toLocaleString('en')}th read / a 1st read at the same time, median of rounds: counted as it goes ×${mine.toFixed(2)} (target ≤ 1.2, within noise) ${mine <= 1.2 ? 'OK' : 'MISSED'}; ` +
      `baseline (0018) ×${old.toFixed(2)}`);
  } finally {
    ctx.mailTransport.close();
    await db.close();
    await pgdb.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
