/**
 * Where a bulk load's contacts are made (flat.ts, make.ts): inline for a
 * small load, or spread over worker threads for a large one (both cores seal
 * and index while the main thread parses and writes). Results come back in
 * submission order.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../platform/workers.js';
import { makeFlatBatch, type FlatContext, type FlatMade, type FlatRow } from './flat.js';
import { contactMaker } from './make.js';

export interface ContactMakers {
  /** Starts making a batch; the promise settles with its result. */
  make(rows: FlatRow[]): Promise<FlatMade>;
  close(): Promise<void>;
}

function inlineMakers(fc: FlatContext): ContactMakers {
  const maker = contactMaker(fc);
  return {
    make: (rows) => new Promise((resolve, reject) => {
      // A macrotask each, so a waiting request on the main thread is served between batches.
      setImmediate(() => {
        try {
          resolve(makeFlatBatch(maker, fc, rows));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    }),
    close: async () => {},
  };
}

interface Pending {
  resolve: (b: FlatMade) => void;
  reject: (e: Error) => void;
}

/** Makers for a bulk load: `threads` worker threads, or inline when 0. */
export async function startContactMakers(fc: FlatContext, threads: number): Promise<ContactMakers> {
  return threads > 0 ? threadMakers(fc, threads) : inlineMakers(fc);
}

async function threadMakers(fc: FlatContext, threads: number): Promise<ContactMakers> {
  const file = new URL('./make-worker.ts', import.meta.url);
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let seq = 0;
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  for (let i = 0; i < threads; i++) {
    // A worker's live data is a batch or two and its memo (a few MB): bounded heaps keep the
    // import process under its memory budget (docs/performance.md) at ≈ 3 % of the speed.
    const w = await startTsWorker(file, fc, { resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } });
    w.on('message', (m: { seq: number; batch?: FlatMade; error?: string }) => {
      const p = pending.get(m.seq);
      if (!p) return;
      pending.delete(m.seq);
      if (m.batch) p.resolve(m.batch);
      else p.reject(new Error(`import worker failed: ${m.error ?? 'unknown'}`));
    });
    w.on('error', (err) => fail(err));
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`import worker exited with code ${code}`));
    });
    workers.push(w);
  }
  return {
    make: (rows) => {
      if (failure) return Promise.reject(failure);
      const n = seq++;
      return new Promise<FlatMade>((resolve, reject) => {
        pending.set(n, { resolve, reject });
        workers[n % workers.length]!.postMessage({ seq: n, rows });
      });
    },
    close: async () => {
      failure ??= new Error('closed');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
