/**
 * A worker thread of an import run (prepare-pool.ts): prepares the batches it
 * is sent, in order, with the run's keys (workerData). Buffers arrive as
 * plain Uint8Arrays and are wrapped back without copying.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CsvRecord } from './csv-reader.js';
import { BatchPreparer, type PrepareContext } from './prepare.js';

const raw = workerData as PrepareContext;
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const pc: PrepareContext = {
  ...raw,
  keys: {
    ...raw.keys,
    wrapKey: asBuffer(raw.keys.wrapKey),
    indexKeys: Object.fromEntries(Object.entries(raw.keys.indexKeys).map(([k, v]) => [k, asBuffer(v)])),
  },
};
const preparer = new BatchPreparer(pc);

parentPort!.on('message', (m: { seq: number; records: CsvRecord[] }) => {
  try {
    parentPort!.postMessage({ seq: m.seq, batch: preparer.prepare(m.records) });
  } catch (err) {
    // No values: a message and the stack of this code.
    parentPort!.postMessage({ seq: m.seq, error: err instanceof Error ? (err.stack ?? err.message) : 'worker error' });
  }
});
