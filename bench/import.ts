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
import { benchDatabase, print } from './lib.js';

const N = Number(process.env.BENCH_IMPORT_CONTACTS ?? 1_000_000);
const HEADER = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'company', 'city', 'country'];

const csvCell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function writeCsv(file: string): number {
  const companies = companyCount(N);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    let chunk = `${HEADER.join(',')}\n`;
    for (let i = 0; i < N; i++) {
      const g = generateContact(i, companies);
      const c = g.input;
      chunk += `${[c.firstName, c.lastName, c.emails[0]!.address, c.phones?.[0]?.number ?? '', c.jobTitle ?? '', g.company === null ? '' : companyName(g.company), c.city ?? '', c.country ?? ''].map(csvCell).join(',')}\n`;
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

async function rawCopy(ownerUrl: string, file: string): Promise<number> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    await c.query(`create table plain_import (${HEADER.map((h) => `"${h}" text`).join(', ')})`);
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

interface CliRun {
  status: { status: string; created: number; skipped: number; rejected: number; processed: number };
  ms: number;
  peakMb: number;
}

/** `confidant contacts import` in a child process, as an operator runs it. */
async function importWithCli(file: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/confidant.mjs', 'contacts', 'import', file, '--workspace', 'bench', '--lawful-basis', 'legitimate_interests',
    '--source', 'bench import', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, vmHwm(child.pid!));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`confidant contacts import exited with ${code}: ${out}`);
  return { status: JSON.parse(out) as CliRun['status'], ms, peakMb: peak / 2 ** 20 };
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

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-bench-import-'));
  const pgdb = await benchDatabase();
  const config = {
    ...loadConfig({ PORT: '0', DATA_DIR: path.join(dir, 'data'), CONFIDANT_KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent' }),
    database: { kind: 'postgres' as const, ownerUrl: pgdb.ownerUrl, appUrl: pgdb.appUrl, poolSize: 16 },
  };
  const db = await openDatabase(config.database, { migrate: true });
  const ctx = await createAppContext(config, db, { logger: createLogger('silent'), chainIntervalMs: 200 });
  try {
    const created = await createWorkspace(
      { db, vault: ctx.vault, recordAudit },
      { name: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.example', ownerPassword: 'bench password 123', now: new Date() },
    );
    const ws = created.workspaceId;
    await db.withWorkspace(ws, (trx) => updateWorkspaceSettings(trx, ctx.vault, ws, { readBudgetPerHour: 1_000_000_000 }));
    const file = path.join(dir, 'contacts.csv');
    const bytes = writeCsv(file);
    print(`CSV: ${N.toLocaleString('en')} contacts × 8 personal fields, ${(bytes / 2 ** 20).toFixed(0)} MB`);

    const copyMs = await rawCopy(pgdb.ownerUrl, file);
    const copyRate = N / (copyMs / 1000);
    print(`baseline raw COPY of the same CSV into an unencrypted table: ${copyRate.toFixed(0)} rows/s (${(copyMs / 1000).toFixed(1)} s)`);

    const cli = await importWithCli(file, {
      ...process.env, DATABASE_URL: pgdb.ownerUrl, DATABASE_APP_URL: pgdb.appUrl, DATA_DIR: config.dataDir,
      CONFIDANT_KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent',
    });
    const status = cli.status;
    const rate = status.created / (cli.ms / 1000);
    print(`import: ${status.status}, ${status.created.toLocaleString('en')} created, ${status.rejected} rejected, ${status.skipped} skipped`);
    print(`imported = searchable: ${rate.toFixed(0)} rows/s (${(cli.ms / 1000).toFixed(1)} s from spawn to exit; target < 120 s for 1M) — ratio to raw COPY ${(rate / copyRate).toFixed(3)} (target ≥ 0.25) ${rate / copyRate >= 0.25 ? 'OK' : 'MISSED'}`);
    print(`peak memory (VmHWM of the import process): ${cli.peakMb.toFixed(0)} MB (target < 600 MB) ${cli.peakMb < 600 ? 'OK' : 'MISSED'}`);

    // The end check: random rows found through the real service.
    let found = 0;
    const companies = companyCount(N);
    for (let k = 0; k < 20; k++) {
      const g = generateContact(Math.floor((k * N) / 20) + 7, companies);
      await db.withWorkspace(ws, async (trx) => {
        const byEmail = await findByEmail(ctx, trx, ws, g.input.emails[0]!.address.toUpperCase());
        const hit = byEmail[0];
        if (byEmail.length !== 1 || !hit) return;
        // Paged like a user would: a short id word (contact 7) leaves only the names, which hundreds share at 1M.
        const q = `${g.input.lastName.slice(0, 3)} ${g.input.emails[0]!.address.split('@')[0]}`;
        let cursor: string | undefined;
        for (let p = 0; p < 20; p++) {
          const page = await listContacts(ctx, trx, ws, { q, limit: 50, ...(cursor ? { cursor } : {}) });
          if (page.items.some((i) => i.id === hit.id)) {
            found += 1;
            return;
          }
          cursor = page.nextCursor ?? undefined;
          if (!cursor) return;
        }
      });
    }
    print(`correctness: ${found}/20 random imported contacts found by email and by q ${found === 20 ? 'OK' : 'FAILED'}`);

    // Export of everything imported, as a user does it: create, then download.
    const app = await buildApp(ctx, {});
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const token = await db.withWorkspace(ws, (trx) =>
        insertApiToken(trx, { workspaceId: ws, name: 'bench export', scopes: ['contacts:read', 'contacts:export'], createdBy: created.ownerUserId, now: new Date() }));
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
          for (const b of chunk) if (b === 10) lines += 1;
        }
        return { buildMs: tBuilt - t1, totalMs: performance.now() - t1, lines, size };
      });
      const e = exported.value;
      const rows = Math.max(0, e.lines - 1);
      print(`export (CSV): ${rows.toLocaleString('en')} rows, ${(e.size / 2 ** 20).toFixed(0)} MB; built in ${(e.buildMs / 1000).toFixed(1)} s, downloaded by ${(e.totalMs / 1000).toFixed(1)} s → ${(rows / (e.totalMs / 1000)).toFixed(0)} rows/s; peak memory ${exported.peakMb.toFixed(0)} MB`);
    } finally {
      await app.close();
    }
  } finally {
    ctx.mailTransport.close();
    await db.close();
    await pgdb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
