/**
 * A process that imports a file as `confidant contacts import` did before it
 * refused a file with an unfinished import (a new import each time, as an API
 * upload makes one), saying what it reached, for the kill test
 * (src/modules/imports/kills.test.ts): `created <id>` once the import row
 * exists (the upload follows), `stored <id>` once it is queued, `batch <n>`
 * after each committed batch, `end <outcome>`.
 *
 * At its kill point (-1: created, 0: stored, k: the k-th batch committed) it
 * says so and then holds its thread still until the test's SIGKILL arrives:
 * on a loaded machine the parent may read the line late, and the child must
 * not land more batches (or finish) meanwhile.
 * Usage: node --import tsx test/helpers/import-kill-child.ts <workspaceId> <file> <batchSize> <killPoint>
 * (database and keys from the environment, like the CLI).
 */
import fs from 'node:fs';
import { createImport, runImport } from '../../src/modules/imports/service.js';
import { openOperatorRuntime } from '../../src/commands.js';

const [workspaceId, file, batch, killPoint] = process.argv.slice(2);
const point = Number(killPoint);
const rt = await openOperatorRuntime();
const ctx = { db: rt.db, vault: rt.vault, now: () => new Date() };
const say = (line: string): void => void fs.writeSync(1, `${line}\n`);
/** Says the line, then blocks the thread (no callback, no I/O) until killed; gives up after two minutes. */
const sayAndHold = (line: string): void => {
  say(line);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
};
let batches = 0;
const id = await createImport(ctx, workspaceId!, { type: 'operator', id: null }, fs.createReadStream(file!),
  () => ({ lawfulBasis: 'consent', source: 'kill test' }), undefined,
  { onCreated: (created) => (point === -1 ? sayAndHold : say)(`created ${created}`) });
(point === 0 ? sayAndHold : say)(`stored ${id}`);
const outcome = await runImport(ctx, workspaceId!, id, {
  batchSize: Number(batch),
  threads: 0,
  onBatch: (s) => {
    batches += 1;
    (batches === point ? sayAndHold : say)(`batch ${s.processed}`);
  },
});
say(`end ${outcome}`);
await rt.close();
