/**
 * `npm run bench contacts-load`: the fastest path we have to N generated
 * contacts (BENCH_CONTACTS, default 1,000,000) in one workspace, written
 * exactly as the app writes them: the module's `recordOf` builds each record,
 * `sealContact` seals it under a fresh subject key, `lookupRowsOf` computes
 * its blind lookup rows. Two worker threads (both cores) seal and stream
 * `COPY` into contacts / subject_keys / contact_lookup; keys, foreign keys and
 * secondary indexes of those tables are dropped first and rebuilt after
 * (bench database only), because one sorted index build is far cheaper than
 * 25 million random B-tree inserts.
 *
 * Baseline in the same run: a raw COPY of the same number of plain 9-column
 * rows into an unencrypted table. The end checks 20 random contacts through
 * the real service (`findByEmail`, `listContacts` with q).
 *
 * search.ts and read.ts reuse `loadedWorkspace()`; with BENCH_KEEP_DB=1 the
 * loaded database (and its key ring) is kept and reused between runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config.js';
import { createAppContext } from '../src/context.js';
import { createCompanies } from '../src/modules/companies/service.js';
import { findByEmail, listContacts } from '../src/modules/contacts/index.js';
import { createWorkspace } from '../src/modules/workspaces/service.js';
import { updateWorkspaceSettings } from '../src/modules/workspaces/settings-service.js';
import { recordAudit } from '../src/platform/audit/index.js';
import { deriveKey, encodeAad, gcmOpen, hmac, truncateBits } from '../src/platform/crypto/envelope.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import { companyCount, companyName, generateContact } from './contacts-gen.js';
import type { WorkerDone, WorkerJob } from './contacts-worker.js';
import { benchDatabase, print } from './lib.js';

export const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const KEEP = process.env.BENCH_KEEP_DB === '1';
const THREADS = Math.max(1, Number(process.env.BENCH_THREADS ?? os.cpus().length));
/** The tables the loader writes with COPY; their keys and indexes are rebuilt after. */
const TABLES = ['contacts', 'subject_keys', 'contact_lookup'] as const;

export type AppCtx = Awaited<ReturnType<typeof createAppContext>>;

export interface Loaded {
  contacts: number;
  workspaceId: string;
  ownerUserId: string;
  /** Generator index → contact id, for a sample spread over the whole set. */
  sample: Array<[number, string]>;
  companyCount: number;
  db: Database;
  ctx: AppCtx;
  ownerUrl: string;
  close: () => Promise<void>;
}

interface Marker {
  contacts: number;
  workspace_id: string;
  owner_id: string;
  sample: Array<[number, string]>;
}

/** Starts a TypeScript worker: workers do not inherit tsx's loader, so register it first. */
function startWorker(job: WorkerJob): Promise<WorkerDone> {
  const api = import.meta.resolve('tsx/esm/api');
  const file = new URL('./contacts-worker.ts', import.meta.url).href;
  const w = new Worker(`import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`, { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    w.once('message', (m: { ok: true; done: WorkerDone } | { ok: false; error: string }) => {
      void w.terminate();
      if (m.ok) resolve(m.done);
      else reject(new Error(m.error));
    });
    w.once('error', reject);
  });
}

/** The unwrapped current workspace key (mirrors Vault.rootOf; checked against vault.blindIndex below). */
async function workspaceRoot(owner: pg.Client, ctx: AppCtx, ws: string): Promise<{ root: Buffer; version: number }> {
  const r = await owner.query<{ version: number; wrapped: Buffer }>('select version, wrapped from workspace_keys where workspace_id = $1 order by version desc limit 1', [ws]);
  const row = r.rows[0];
  if (!row) throw new Error('no workspace key');
  const wrap = deriveKey(ctx.vault.keyring.masterKey(row.version), 'wrap/workspace');
  return { root: gcmOpen(wrap, row.version, encodeAad(['workspace-key', ws, row.version]), row.wrapped), version: row.version };
}

interface Ddl {
  drop: string[];
  loaded: string[];
  searchable: string[];
}

/** Keys, foreign keys (also those of other tables pointing here) and indexes of the COPY tables, as DDL to drop and to rebuild. */
async function loadDdl(owner: pg.Client): Promise<Ddl> {
  const fks = await owner.query<{ tbl: string; name: string; def: string }>(`
    select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where contype = 'f' and (conrelid = any($1::regclass[]) or confrelid = any($1::regclass[]))`, [TABLES]);
  const pks = await owner.query<{ tbl: string; name: string; def: string }>(`
    select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where contype in ('p', 'u') and conrelid = any($1::regclass[])`, [TABLES]);
  const idx = await owner.query<{ tbl: string; name: string; def: string }>(`
    select i.indrelid::regclass::text as tbl, c.relname as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = any($1::regclass[]) and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`, [TABLES]);
  // The GIN index of the blind terms is the search's: built in the "searchable" phase.
  const isSearch = (def: string) => / USING gin /i.test(def);
  const rebuild = (tbl: string) => [
    ...pks.rows.filter((k) => k.tbl === tbl).map((k) => `alter table ${k.tbl} add constraint ${k.name} ${k.def}`),
    ...idx.rows.filter((k) => k.tbl === tbl && !isSearch(k.def)).map((k) => k.def),
  ];
  return {
    drop: [
      ...fks.rows.map((k) => `alter table ${k.tbl} drop constraint ${k.name}`),
      ...pks.rows.map((k) => `alter table ${k.tbl} drop constraint ${k.name}`),
      ...idx.rows.map((k) => `drop index ${k.name}`),
    ],
    loaded: [...rebuild('contacts'), ...rebuild('subject_keys')],
    searchable: [
      ...rebuild('contact_lookup'),
      ...idx.rows.filter((k) => isSearch(k.def)).map((k) => k.def),
      ...fks.rows.map((k) => `alter table ${k.tbl} add constraint ${k.name} ${k.def}`),
    ],
  };
}

/** Raw COPY of n plain 9-column rows (the rows generated up front, so only COPY is timed). */
async function rawCopy(owner: pg.Client, n: number): Promise<number> {
  await owner.query(`create table if not exists plain_contacts (id uuid, first_name text, last_name text, email text, phone text,
    company text, owner_id uuid, created_at timestamptz, updated_at timestamptz)`);
  await owner.query('truncate plain_contacts');
  const chunks: string[] = [];
  const companies = companyCount(n);
  const owner0 = '00000000-0000-4000-8000-000000000000';
  for (let s = 0; s < n; s += 5000) {
    let t = '';
    for (let i = s; i < Math.min(n, s + 5000); i++) {
      const g = generateContact(i, companies);
      const at = new Date(1.8e12 - i).toISOString();
      const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
      t += `${id}\t${g.input.firstName}\t${g.input.lastName}\t${g.input.emails[0]!.address}\t${g.input.phones?.[0]?.number ?? '\\N'}\t${g.company === null ? '\\N' : companyName(g.company)}\t${owner0}\t${at}\t${at}\n`;
    }
    chunks.push(t);
  }
  const t0 = performance.now();
  const stream = owner.query(copyFrom('copy plain_contacts from stdin'));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    let i = 0;
    const pump = (): void => {
      while (i < chunks.length) if (!stream.write(chunks[i++]!)) return void stream.once('drain', pump);
      stream.end();
    };
    pump();
  });
  return performance.now() - t0;
}

function appConfig(dir: string, ownerUrl: string, appUrl: string) {
  return {
    ...loadConfig({ PORT: '0', DATA_DIR: path.join(dir, 'data'), CONFIDANT_KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent' }),
    database: { kind: 'postgres' as const, ownerUrl, appUrl, poolSize: 16 },
  };
}

async function dbExists(admin: string, name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const r = await c.query('select 1 from pg_database where datname = $1', [name]);
  await c.end();
  return r.rows.length > 0;
}

/**
 * A workspace with BENCH_CONTACTS loaded contacts: loaded now, or with
 * BENCH_KEEP_DB=1 reused from an earlier run's kept database.
 */
export async function loadedWorkspace(opts: { report?: boolean; forceLoad?: boolean } = {}): Promise<Loaded> {
  const n = CONTACTS;
  const admin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const keptName = `confidant_bench_contacts_${n}`;
  const dir = KEEP ? path.join(os.tmpdir(), keptName) : fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-bench-'));
  if (KEEP && !opts.forceLoad && (await dbExists(admin, keptName)) && fs.existsSync(path.join(dir, 'keys'))) {
    const pgdb = await benchDatabase({ name: keptName, keep: true });
    const owner = new pg.Client({ connectionString: pgdb.ownerUrl });
    await owner.connect();
    const m = await owner.query<{ v: Marker }>('select v from bench_loaded').catch(() => ({ rows: [] as Array<{ v: Marker }> }));
    await owner.end();
    const marker = m.rows[0]?.v;
    if (marker && marker.contacts === n) {
      const config = appConfig(dir, pgdb.ownerUrl, pgdb.appUrl);
      // As loaded: migrations added or edited since are not applied (a kept load outlives a schema change;
      // run contacts-load again to rebuild it on the current schema).
      const db = await openDatabase(config.database, { migrate: false });
      const ctx = await createAppContext(config, db, { logger: createLogger('silent'), chainIntervalMs: 200 });
      print(`reusing the kept database ${keptName} (${n.toLocaleString('en')} contacts; BENCH_KEEP_DB=1; schema as loaded, not migrated)`);
      const close = async () => {
        ctx.mailTransport.close();
        await db.close();
      };
      return { contacts: n, workspaceId: marker.workspace_id, ownerUserId: marker.owner_id, sample: marker.sample, companyCount: companyCount(n), db, ctx, ownerUrl: pgdb.ownerUrl, close };
    }
  }
  if (KEEP) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`drop database if exists ${keptName} with (force)`);
    await c.end();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }
  const pgdb = await benchDatabase(KEEP ? { name: keptName, keep: true } : {});
  const config = appConfig(dir, pgdb.ownerUrl, pgdb.appUrl);
  const db = await openDatabase(config.database, { migrate: true });
  const ctx = await createAppContext(config, db, { logger: createLogger('silent'), chainIntervalMs: 200 });
  const created = await createWorkspace(
    { db, vault: ctx.vault, recordAudit },
    { name: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.example', ownerPassword: 'bench password 123', now: new Date() },
  );
  const ws = created.workspaceId;
  const ownerId = created.ownerUserId;
  const nCompanies = companyCount(n);
  const companies = await db.withWorkspace(ws, async (trx) => {
    // The read budget would refuse a benchmark's reads after 1,000 people an hour.
    await updateWorkspaceSettings(trx, ctx.vault, ws, { readBudgetPerHour: 1_000_000_000 });
    const made = await createCompanies(trx, ctx.vault, { workspaceId: ws, now: new Date(), actor: { type: 'user', id: ownerId } },
      Array.from({ length: nCompanies }, (_, i) => ({ name: companyName(i) })));
    return made.map((c) => ({ id: c.id, name: c.name }));
  });

  const owner = new pg.Client({ connectionString: pgdb.ownerUrl });
  await owner.connect();
  const { root, version } = await workspaceRoot(owner, ctx, ws);
  // The workers derive index keys as the vault does: prove it on one value before writing a million.
  const probe = 'probe@bench.example';
  const real = await db.withWorkspace(ws, (trx) => ctx.vault.blindIndex(trx, ws, 'contacts.email', probe, 32));
  if (!real.equals(truncateBits(hmac(deriveKey(root, 'index/contacts.email'), probe), 32))) throw new Error('index key derivation differs from the vault');

  const ddl = await loadDdl(owner);
  for (const s of ddl.drop) await owner.query(s);
  const t0 = performance.now();
  const per = Math.ceil(n / THREADS);
  const epochMs = Date.now();
  const jobs: WorkerJob[] = Array.from({ length: THREADS }, (_, t) => ({
    dbUrl: pgdb.ownerUrl, workspaceId: ws, ownerId, root: new Uint8Array(root), wsVersion: version,
    companies, companyCount: nCompanies, from: t * per, to: Math.min(n, (t + 1) * per), epochMs,
  }));
  const done = await Promise.all(jobs.map(startWorker));
  const tCopied = performance.now();
  await owner.query("set maintenance_work_mem = '1GB'");
  for (const s of ddl.loaded) await owner.query(s);
  const tLoaded = performance.now();
  for (const s of ddl.searchable) await owner.query(s);
  // VACUUM, not only ANALYZE: it sets the visibility map, without which a count on the lookup index (the
  // search's "1,000+" estimate) visits the heap for every entry. Autovacuum would do it later; a bulk load does it now.
  for (const t of TABLES) await owner.query(`vacuum (analyze) ${t}`);
  const tSearchable = performance.now();

  const cryptoMs = Math.max(...done.map((d) => d.cryptoMs));
  const lookupRows = done.reduce((s, d) => s + d.lookupRows, 0);
  const terms = done.reduce((s, d) => s + d.terms, 0);
  const sample = done.flatMap((d) => d.ids);
  const rawMs = await rawCopy(owner, n);
  await owner.query('create table if not exists bench_loaded (v jsonb)');
  await owner.query('insert into bench_loaded values ($1)', [JSON.stringify({ contacts: n, workspace_id: ws, owner_id: ownerId, sample } satisfies Marker)]);
  const size = await owner.query<{ s: string }>("select pg_size_pretty(pg_database_size(current_database())) as s");
  await owner.end();

  if (opts.report !== false) {
    const rate = (ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en');
    const raw = n / (rawMs / 1000);
    print(`contacts: ${n.toLocaleString('en')} (${nCompanies} companies), ${lookupRows.toLocaleString('en')} lookup rows and ${terms.toLocaleString('en')} terms (${(lookupRows / n).toFixed(1)} and ${(terms / n).toFixed(1)} per contact), ${THREADS} threads, database ${size.rows[0]?.s}`);
    print(`sealed:     ${rate(cryptoMs)} contacts/s (generate + recordOf + seal + wrap + blind values; slowest thread's busy time ${(cryptoMs / 1000).toFixed(1)} s)`);
    print(`copied:     all three tables streamed in ${((tCopied - t0) / 1000).toFixed(1)} s`);
    print(`loaded:     ${rate(tLoaded - t0)} contacts/s (contacts + subject_keys with keys and indexes, ${((tLoaded - t0) / 1000).toFixed(1)} s)`);
    print(`searchable: ${rate(tSearchable - t0)} contacts/s (+ contact_lookup keyed and indexed, the terms' GIN index built, foreign keys validated, vacuumed and analyzed: ${((tSearchable - t0) / 1000).toFixed(1)} s)`);
    print(`baseline raw COPY of ${n.toLocaleString('en')} plain 9-column rows: ${Math.round(raw).toLocaleString('en')} rows/s (${(rawMs / 1000).toFixed(1)} s)`);
    print(`ratio searchable / raw COPY: ${(n / (tSearchable - t0) * 1000 / raw).toFixed(2)}; loaded / raw COPY: ${(n / (tLoaded - t0) * 1000 / raw).toFixed(2)}`);
  }
  const close = async () => {
    ctx.mailTransport.close();
    await db.close();
    if (!KEEP) {
      await pgdb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  return { contacts: n, workspaceId: ws, ownerUserId: ownerId, sample, companyCount: nCompanies, db, ctx, ownerUrl: pgdb.ownerUrl, close };
}

/** Pseudo-random picks without Math.random, so two runs pick the same contacts. */
export function picker(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** 20 random generated contacts, each found through the real service by email and by q. */
export async function checkLoaded(l: Loaded): Promise<void> {
  const pick = picker(0xc0ffee);
  const chosen = Array.from({ length: 20 }, () => l.sample[pick(l.sample.length)]!);
  let ok = 0;
  await l.db.withWorkspace(l.workspaceId, async (trx) => {
    for (const [i, id] of chosen) {
      const g = generateContact(i, l.companyCount).input;
      const email = g.emails[0]!.address;
      const byEmail = await findByEmail(l.ctx, trx, l.workspaceId, email.toUpperCase());
      // The index in base 36 is a word of the email's local part: with the first name it narrows to this one person.
      const q = `${g.firstName} ${i.toString(36)}`;
      const page = await listContacts(l.ctx, trx, l.workspaceId, { q, limit: 50 });
      const hit = page.items.find((c) => c.id === id);
      const good = byEmail.length === 1 && byEmail[0]!.id === id && byEmail[0]!.firstName === g.firstName.normalize('NFC') &&
        hit !== undefined && hit.lastName === g.lastName.normalize('NFC');
      if (good) ok++;
      else print(`  check failed for generated contact ${i}: findByEmail → ${byEmail.length} hit(s), q "${q}" → ${page.items.length} item(s)`);
    }
  });
  print(`correctness: ${ok}/20 random contacts found by findByEmail and by listContacts q ${ok === 20 ? 'OK' : 'FAILED'}`);
  if (ok !== 20) throw new Error('loaded contacts are not what the app would find');
}

export async function run(): Promise<void> {
  const l = await loadedWorkspace({ forceLoad: true });
  try {
    await checkLoaded(l);
  } finally {
    await l.close();
  }
}
