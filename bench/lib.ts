import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * A fresh PostgreSQL database for one benchmark; `drop()` removes it. With a
 * `name` and `keep`, an existing database of that name is opened as it is
 * (BENCH_KEEP_DB: the 1M-contact load is kept between runs).
 */
export async function benchDatabase(opts: { name?: string; keep?: boolean } = {}): Promise<{ ownerUrl: string; appUrl: string; drop: () => Promise<void> }> {
  const admin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = opts.name ?? `confidant_bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const exists = (await c.query('select 1 from pg_database where datname = $1', [name])).rows.length > 0;
  if (!(exists && opts.keep)) await c.query(`create database ${name}`);
  await c.end();
  const owner = new URL(admin);
  owner.pathname = `/${name}`;
  const app = new URL(owner.toString());
  app.username = 'confidant_app';
  app.password = '';
  return {
    ownerUrl: owner.toString(),
    appUrl: app.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

/**
 * `clients` concurrent keep-alive loops against `url` for `seconds`: requests
 * per second and latency percentiles (ms).
 */
export async function load(
  url: string,
  clients: number,
  seconds: number,
  init: RequestInit = {},
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await fetch(url, init);
        await res.arrayBuffer();
        if (!res.ok) errors++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/** One request of a pre-generated list: the load worker cannot call back into this thread. */
export interface PlannedRequest {
  url: string;
  headers?: Record<string, string>;
}

/**
 * Like `load` with a request list per client, but the clients run in a worker thread of their own, so
 * the load generator's JavaScript (fetch, body reading, bookkeeping) does not
 * run on the server's event loop — as a separate client machine would not.
 * Each client cycles through its own pre-generated list of requests. Both
 * threads still share the machine's cores.
 */
export async function loadInWorker(
  plan: readonly (readonly PlannedRequest[])[],
  seconds: number,
): Promise<{ rps: number; p50: number; p99: number; errors: number; count: number }> {
  const { Worker } = await import('node:worker_threads');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { plan, seconds } = workerData;
    (async () => {
      const latencies = [];
      let errors = 0;
      const end = performance.now() + seconds * 1000;
      await Promise.all(plan.map(async (list) => {
        let i = 0;
        while (performance.now() < end) {
          const r = list[i++ % list.length];
          const t0 = performance.now();
          const res = await fetch(r.url, { headers: r.headers });
          await res.arrayBuffer();
          if (!res.ok) errors++;
          latencies.push(performance.now() - t0);
        }
      }));
      parentPort.postMessage({ latencies, errors });
    })().catch((e) => parentPort.postMessage({ failed: String(e) }));`;
  const worker = new Worker(source, { eval: true, workerData: { plan, seconds } });
  const out = await new Promise<{ latencies?: number[]; errors?: number; failed?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (out.failed !== undefined) throw new Error(`load worker: ${out.failed}`);
  const latencies = out.latencies ?? [];
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors: out.errors ?? 0, count: latencies.length };
}

/** `perClient` requests for each of `clients` clients, from `next(client)`. */
export function planRequests(next: (client: number) => { url: string; init?: RequestInit }, clients: number, perClient: number): PlannedRequest[][] {
  return Array.from({ length: clients }, (_, c) =>
    Array.from({ length: perClient }, () => {
      const { url, init } = next(c);
      return { url, headers: init?.headers as Record<string, string> | undefined };
    }),
  );
}
