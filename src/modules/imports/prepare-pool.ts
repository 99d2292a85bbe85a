/**
 * Where an import's batches are prepared: inline for a small file, or spread
 * over worker threads for a large one (both cores seal and index while the
 * main thread parses and writes). Results come back in submission order.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../platform/workers.js';
import type { CsvRecord } from './csv-reader.js';
import { BatchPreparer, type PreparedBatch, type PrepareContext } from './prepare.js';

export interface Preparer {
  /** Starts preparing a batch; the promise settles with its result. */
  prepare(records: CsvRecord[]): Promise<PreparedBatch>;
  close(): Promise<void>;
}

export function inlinePreparer(pc: PrepareContext): Preparer {
  const p = new BatchPreparer(pc);
  return {
    prepare: (records) => new Promise((resolve, reject) => {
      // A macrotask each, so a waiting request on the main thread is served between batches.
      setImmediate(() => {
        try {
          resolve(p.prepare(records));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    }),
    close: async () => {},
  };
}

interface Pending {
  resolve: (b: PreparedBatch) => void;
  reject: (e: Error) => void;
}

export async function threadPreparer(pc: PrepareContext, threads: number): Promise<Preparer> {
  const file = new URL('./prepare-worker.ts', import.meta.url);
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
    const w = await startTsWorker(file, pc, { resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } });
    w.on('message', (m: { seq: number; batch?: PreparedBatch; error?: string }) => {
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
    prepare: (records) => {
      if (failure) return Promise.reject(failure);
      const n = seq++;
      return new Promise<PreparedBatch>((resolve, reject) => {
        pending.set(n, { resolve, reject });
        workers[n % workers.length]!.postMessage({ seq: n, records });
      });
    },
    close: async () => {
      failure ??= new Error('closed');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
