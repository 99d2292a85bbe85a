/**
 * A worker thread making contacts for a bulk load (make-pool.ts): makes the
 * flat batches it is sent, in order, with the run's keys (workerData). Loads
 * only the pure making (make.ts, flat.ts), never the module's database side.
 * Buffers arrive as plain Uint8Arrays and are wrapped back without copying.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { makeFlatBatch, type FlatContext, type FlatRow } from './flat.js';
import { contactMaker } from './make.js';

const raw = workerData as FlatContext;
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const fc: FlatContext = {
  ...raw,
  keys: {
    ...raw.keys,
    wrapKey: asBuffer(raw.keys.wrapKey),
    indexKeys: Object.fromEntries(Object.entries(raw.keys.indexKeys).map(([k, v]) => [k, asBuffer(v)])),
  },
};
const maker = contactMaker(fc);

parentPort!.on('message', (m: { seq: number; rows: FlatRow[] }) => {
  try {
    parentPort!.postMessage({ seq: m.seq, batch: makeFlatBatch(maker, fc, m.rows) });
  } catch (err) {
    // No values: a message and the stack of this code.
    parentPort!.postMessage({ seq: m.seq, error: err instanceof Error ? (err.stack ?? err.message) : 'worker error' });
  }
});
