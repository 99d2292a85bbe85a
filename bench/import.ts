/**
 * `npm run bench import`: issue #11's figure, on PostgreSQL. Generates a CSV of
 * BENCH_IMPORT_CONTACTS contacts (default 1,000,000) with 8 personal fields
 * (firstName, lastName, email, phone, jobTitle, company, city, country), then:
 *  - baseline: a raw `COPY` of the same CSV into an unencrypted 8-column table;
 *  - the import a user waits for: `confidant contacts import <file> --json`
 *    run as its own process, exactly as an operator runs it (the file stored
 *    sealed, every batch validated, sealed per person, indexed, duplicate-
 *    checked, audited and committed), timed from spawn to exit. The blind
 *    terms are written with each contact's row, so "imported" and
 *    "searchable" are the same moment; the end check finds random rows by
 *    email and by name prefix through the real service;
 *  - the peak resident memory of that process (VmHWM, polled every 100 ms);
 *  - export of what was imported: `POST /api/v1/exports` (CSV) and the download
 *    streamed to nowhere, rows/s and the peak memory of this process.
 * Targets: import ≥ 25 % of the raw COPY's rows/s, under 2 minutes for 1M, peak
 * memory under 600 MB.
 *
 * A second file is shaped like real ones (realistic-gen.ts: few distinct words,
 * 0.5 % of rows sharing a phone with an earlier row) and measured against a
 * `COPY` into a table with a primary key. Each file is imported
 * BENCH_IMPORT_RUNS times (default 1), each time into a fresh database, and
 * the medians printed. BENCH_IMPORT_FILES picks the files (`own,realistic`);
 * BENCH_IMPORT_EXPORT=0 skips the export; BENCH_IMPORT_CPU_PROF=<dir> runs the
 * import process (and its worker threads) under `--cpu-prof` into that folder;
 * BENCH_IMPORT_DUPLICATES sets the import's duplicate policy.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config.js';
import { createAppContext } from '../src/context.js';
import { buildApp } from '../src/app.js';
import { findByEmail, listContacts } from '../src/modules/contacts/index.js';
import { insertApiToken } from '../src/modules/identity/index.js';
import { createWorkspace } from '../src/modules/workspaces/service.js';
import { updateWorkspaceSettings } from '../src/modules/workspaces/settings-service.js';
import { recordAudit } from '../src/platform/audit/index.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import { companyCount, companyName, generateContact } from './contacts-gen.js';
import { benchDatabase, median, print } from './lib.js';
import { realisticRow } from './realistic-gen.js';

const N = Number(process.env.BENCH_IMPORT_CONTACTS ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.BENCH_IMPORT_RUNS ?? 1));
const FILES = (process.env.BENCH_IMPORT_FILES ?? 'own,realistic').split(',').map((f) => f.trim()).filter((f) => f !== '');
const EXPORT = process.env.BENCH_IMPORT_EXPORT !== '0';
const CPU_PROF = process.env.BENCH_IMPORT_CPU_PROF;
/** The import's duplicate policy (default: the CLI's, skip); `create` takes duplicate matching out of the figure. */
const DUPLICATES = process.env.BENCH_IMPORT_DUPLICATES;
const HEADER = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'company', 'city', 'country'];

const csvCell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The CSV line of row i of a file. */
type RowOf = (i: number) => string[];

const ownRow = (companies: number): RowOf => (i) => {
  const g = generateContact(i, companies);
  const c = g.input;
  return [c.firstName, c.lastName, c.emails[0]!.address, c.phones?.[0]?.number ?? '', c.jobTitle ?? '', g.company === null ? '' : companyName(g.company), c.city ?? '', c.country ?? ''];
};

const realRow: RowOf = (i) => {
  const r = realisticRow(i);
  return [r.firstName, r.lastName, r.email, r.phone, r.jobTitle, r.company, r.city, r.country];
};

function writeCsv(file: string, rowOf: RowOf): number {
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    let chunk = `${HEADER.join(',')}\n`;
    for (let i = 0; i < N; i++) {
      chunk += `${rowOf(i).map(csvCell).join(',')}\n`;
      if (chunk.length > 1 << 20) {
        bytes += fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    bytes += fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

/** A raw COPY of the file into an unencrypted table: without any index, or with the email as primary key. */
async function rawCopy(ownerUrl: string, file: string, primaryKey: boolean): Promise<number> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    await c.query(`create table plain_import (${HEADER.map((h) => `"${h}" text${primaryKey && h === 'email' ? ' primary key' : ''}`).join(', ')})`);
    const t0 = performance.now();
    const sink = c.query(copyFrom('copy plain_import from stdin with (format csv, header true)'));
    await new Promise<void>((resolve, reject) => {
      sink.on('finish', resolve);
      sink.on('error', reject);
      fs.createReadStream(file).on('error', reject).pipe(sink);
    });
    const ms = performance.now() - t0;
    await c.query('drop table plain_import');
    return ms;
  } finally {
    await c.end();
  }
}

/** Peak resident memory of a process (kernel high-water mark), in bytes, or 0 once it has exited. */
function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process has used so far, or 0 once it has exited. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 a second)
  } catch {
    return 0;
  }
}

/**
 * The CPU seconds of the PostgreSQL backends serving a database (the import's
 * connections), sampled until `stop`: each backend's last reading counts.
 * The server runs on this machine (the bench's default).
 */
function pgBackendCpu(ownerUrl: string): { stop: () => Promise<number> } {
  const c = new pg.Client({ connectionString: ownerUrl });
  const last = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    await c.connect();
    while (running) {
      const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      for (const { pid } of r.rows) {
        const s = cpuSeconds(pid);
        if (s > 0) last.set(pid, s);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await c.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return [...last.values()].reduce((a, b) => a + b, 0);
    },
  };
}

interface CliRun {
  status: { status: string; created: number; skipped: number; rejected: number; processed: number };
  ms: number;
  peakMb: number;
  /** CPU seconds of the import process (all its threads) and of its PostgreSQL backends. */
  nodeCpu: number;
  pgCpu: number;
}

/** `confidant contacts import` in a child process, as an operator runs it. */
async function importWithCli(file: string, env: NodeJS.ProcessEnv, ownerUrl: string): Promise<CliRun> {
  const pgCpu = pgBackendCpu(ownerUrl);
  const t0 = performance.now();
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, 'bin/confidant.mjs', 'contacts', 'import', file, '--workspace', 'bench', '--lawful-basis', 'legitimate_interests',
    '--source', 'bench import', '--json', ...(DUPLICATES ? ['--duplicates', DUPLICATES] : [])], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  let peak = 0;
  let nodeCpu = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, vmHwm(child.pid!));
    nodeCpu = Math.max(nodeCpu, cpuSeconds(child.pid!));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const ms = performance.now() - t0;
  const pgSeconds = await pgCpu.stop();
  if (code !== 0) throw new Error(`confidant contacts import exited with ${code}: ${out}`);
  return { status: JSON.parse(out) as CliRun['status'], ms, peakMb: peak / 2 ** 20, nodeCpu, pgCpu: pgSeconds };
}

/** Peak RSS while `fn` runs, sampled every 100 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const value = await fn();
    return { value, peakMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

interface FileSpec {
  name: string;
  title: string;
  rowOf: RowOf;
  /** The email and last name of row i, or null when the import skips it (a duplicate). */
  created: (i: number) => { email: string; lastName: string } | null;
}

function fileSpecs(): FileSpec[] {
  const companies = companyCount(N);
  const all: FileSpec[] = [
    {
      name: 'own', title: 'the bench\'s own file (every contact with its own email and phone, 66 first names, 68 last names, ' + `${companies} companies, 10 cities)`,
      rowOf: ownRow(companies),
      created: (i) => {
        const g = generateContact(i, companies);
        return { email: g.input.emails[0]!.address, lastName: g.input.lastName };
      },
    },
    {
      name: 'realistic', title: 'a file shaped like real ones (30 first names, 30 last names, 50 companies, 12 cities; 0.5 % of rows share an earlier row\'s phone)',
      rowOf: realRow,
      created: (i) => {
        const r = realisticRow(i);
        return r.sharesPhone ? null : { email: r.email, lastName: r.lastName };
      },
    },
  ];
  return FILES.map((f) => {
    const spec = all.find((s) => s.name === f);
    if (!spec) throw new Error(`unknown BENCH_IMPORT_FILES entry ${f}; known: ${all.map((s) => s.name).join(', ')}`);
    return spec;
  });
}

interface Bench {
  dir: string;
  db: Awaited<ReturnType<typeof openDatabase>>;
  ctx: Awaited<ReturnType<typeof createAppContext>>;
  ws: string;
  ownerUserId: string;
  ownerUrl: string;
  env: NodeJS.ProcessEnv;
  close: () => Promise<void>;
}

/** A fresh database, migrated, with the bench workspace: every run imports into an empty one. */
async function freshBench(dir: string): Promise<Bench> {
  const pgdb = await benchDatabase();
  const config = {
    ...loadConfig({ PORT: '0', DATA_DIR: path.join(dir, 'data'), CONFIDANT_KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent' }),
    database: { kind: 'postgres' as const, ownerUrl: pgdb.ownerUrl, appUrl: pgdb.appUrl, poolSize: 16 },
  };
  const db = await openDatabase(config.database, { migrate: true });
  const ctx = await createAppContext(config, db, { logger: createLogger('silent'), chainIntervalMs: 200 });
  const created = await createWorkspace(
    { db, vault: ctx.vault, recordAudit },
    { name: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.example', ownerPassword: 'bench password 123', now: new Date() },
  );
  const ws = created.workspaceId;
  await db.withWorkspace(ws, (trx) => updateWorkspaceSettings(trx, ctx.vault, ws, { readBudgetPerHour: 1_000_000_000 }));
  const env = {
    ...process.env, DATABASE_URL: pgdb.ownerUrl, DATABASE_APP_URL: pgdb.appUrl, DATA_DIR: config.dataDir,
    CONFIDANT_KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent',
  };
  return {
    dir, db, ctx, ws, ownerUserId: created.ownerUserId, ownerUrl: pgdb.ownerUrl, env,
    close: async () => {
      ctx.mailTransport.close();
      await db.close();
      await pgdb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The end check: 20 rows the import created, found through the real service by email and by a name search. */
async function endCheck(b: Bench, spec: FileSpec): Promise<number> {
  let found = 0;
  for (let k = 0; k < 20; k++) {
    let i = Math.floor((k * N) / 20) + 7;
    let row = spec.created(i);
    while (row === null) row = spec.created(++i);
    const want = row;
    await b.db.withWorkspace(b.ws, async (trx) => {
      const byEmail = await findByEmail(b.ctx, trx, b.ws, want.email.toUpperCase());
      const hit = byEmail[0];
      if (byEmail.length !== 1 || !hit) return;
      // Paged like a user would: a short id word (contact 7) leaves only the names, which many share.
      const q = `${want.lastName.slice(0, 3)} ${want.email.split('@')[0]}`;
      let cursor: string | undefined;
      for (let p = 0; p < 20; p++) {
        const page = await listContacts(b.ctx, trx, b.ws, { q, limit: 50, ...(cursor ? { cursor } : {}) });
        if (page.items.some((it) => it.id === hit.id)) {
          found += 1;
          return;
        }
        cursor = page.nextCursor ?? undefined;
        if (!cursor) return;
      }
    });
  }
  return found;
}

/** Export of everything imported, as a user does it: create, then download. */
async function exportAll(b: Bench): Promise<void> {
  const app = await buildApp(b.ctx, {});
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const token = await b.db.withWorkspace(b.ws, (trx) =>
      insertApiToken(trx, { workspaceId: b.ws, name: 'bench export', scopes: ['contacts:read', 'contacts:export'], createdBy: b.ownerUserId, now: new Date() }));
    const auth = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
    const exported = await withPeakRss(async () => {
      const t1 = performance.now();
      const res = await fetch(`${base}/api/v1/exports`, { method: 'POST', headers: auth, body: JSON.stringify({ format: 'csv' }) });
      if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
      const { url } = (await res.json()) as { url: string };
      const tBuilt = performance.now();
      const file2 = await fetch(`${base}${url.replace(/^\/api\/v1/, '/api/v1')}`, { headers: { authorization: auth.authorization } });
      if (!file2.ok || !file2.body) throw new Error(`download: ${file2.status}`);
      let lines = 0;
      let size = 0;
      for await (const chunk of file2.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        for (const byte of chunk) if (byte === 10) lines += 1;
      }
      return { buildMs: tBuilt - t1, totalMs: performance.now() - t1, lines, size };
    });
    const e = exported.value;
    const rows = Math.max(0, e.lines - 1);
    print(`export (CSV): ${rows.toLocaleString('en')} rows, ${(e.size / 2 ** 20).toFixed(0)} MB; built in ${(e.buildMs / 1000).toFixed(1)} s, downloaded by ${(e.totalMs / 1000).toFixed(1)} s → ${(rows / (e.totalMs / 1000)).toFixed(0)} rows/s; peak memory ${exported.peakMb.toFixed(0)} MB`);
  } finally {
    await app.close();
  }
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function benchFile(spec: FileSpec, root: string, withExport: boolean): Promise<void> {
  print(`\n-- ${spec.title} --`);
  const file = path.join(root, `${spec.name}.csv`);
  const bytes = writeCsv(file, spec.rowOf);
  print(`CSV: ${N.toLocaleString('en')} rows × 8 personal fields, ${(bytes / 2 ** 20).toFixed(0)} MB`);

  const copyDb = await benchDatabase();
  const plain: number[] = [];
  const keyed: number[] = [];
  try {
    for (let k = 0; k < RUNS; k++) {
      plain.push(await rawCopy(copyDb.ownerUrl, file, false));
      keyed.push(await rawCopy(copyDb.ownerUrl, file, true));
    }
  } finally {
    await copyDb.drop();
  }
  const plainRate = N / (median(plain) / 1000);
  const keyedRate = N / (median(keyed) / 1000);
  print(`baseline raw COPY into an unencrypted table: ${plainRate.toFixed(0)} rows/s (median ${secs(median(plain))}); with the email as primary key: ${keyedRate.toFixed(0)} rows/s (median ${secs(median(keyed))})`);

  const runs: CliRun[] = [];
  for (let k = 0; k < RUNS; k++) {
    const b = await freshBench(path.join(root, `run-${spec.name}-${k}`));
    try {
      const cli = await importWithCli(file, b.env, b.ownerUrl);
      const st = cli.status;
      const found = await endCheck(b, spec);
      print(`run ${k + 1}/${RUNS}: ${st.status}, ${st.created.toLocaleString('en')} created, ${st.rejected} rejected, ${st.skipped} skipped; ${(N / (cli.ms / 1000)).toFixed(0)} rows/s (${secs(cli.ms)} spawn to exit), peak ${cli.peakMb.toFixed(0)} MB; CPU: import process ${cli.nodeCpu.toFixed(1)} s, its PostgreSQL backends ${cli.pgCpu.toFixed(1)} s; end check ${found}/20 found by email and by q ${found === 20 ? 'OK' : 'FAILED'}`);
      runs.push(cli);
      if (withExport && k === 0) await exportAll(b);
    } finally {
      await b.close();
    }
  }
  const ms = median(runs.map((r) => r.ms));
  const rate = N / (ms / 1000);
  const peak = median(runs.map((r) => r.peakMb));
  print(`imported = searchable, median of ${RUNS}: ${rate.toFixed(0)} rows of the file/s (${secs(ms)} from spawn to exit; target < 120 s for 1M)`);
  print(`  ratio to raw COPY ${(rate / plainRate).toFixed(3)} (target ≥ 0.25) ${rate / plainRate >= 0.25 ? 'OK' : 'MISSED'}; to COPY with a primary key ${(rate / keyedRate).toFixed(3)}`);
  print(`  peak memory (VmHWM of the import process), median: ${peak.toFixed(0)} MB (target < 600 MB) ${peak < 600 ? 'OK' : 'MISSED'}`);
  print(`  CPU, median: import process ${median(runs.map((r) => r.nodeCpu)).toFixed(1)} s, its PostgreSQL backends ${median(runs.map((r) => r.pgCpu)).toFixed(1)} s`);
}

export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-bench-import-'));
  try {
    const specs = fileSpecs();
    for (const spec of specs) await benchFile(spec, root, EXPORT && spec.name === 'own');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
