/**
 * A process that imports a file as `confidant contacts import` did before it
 * refused a file with an unfinished import (a new import each time, as an API
 * upload makes one), saying what it reached, for the kill test
 * (src/modules/imports/kills.test.ts): `created <id>` once the import row
 * exists (the upload follows), `stored <id>` once it is queued, `batch <n>`
 * after each committed batch, `end <outcome>`.
 * Usage: node --import tsx test/helpers/import-kill-child.ts <workspaceId> <file> <batchSize>
 * (database and keys from the environment, like the CLI).
 */
import fs from 'node:fs';
import { createImport, runImport } from '../../src/modules/imports/service.js';
import { openOperatorRuntime } from '../../src/commands.js';

const [workspaceId, file, batch] = process.argv.slice(2);
const rt = await openOperatorRuntime();
const ctx = { db: rt.db, vault: rt.vault, now: () => new Date() };
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const id = await createImport(ctx, workspaceId!, { type: 'operator', id: null }, fs.createReadStream(file!),
  () => ({ lawfulBasis: 'consent', source: 'kill test' }), undefined, { onCreated: (created) => say(`created ${created}`) });
say(`stored ${id}`);
const outcome = await runImport(ctx, workspaceId!, id, { batchSize: Number(batch), threads: 0, onBatch: (s) => say(`batch ${s.processed}`) });
say(`end ${outcome}`);
await rt.close();
