/**
 * A process that runs one import in small batches and says so after each
 * committed batch, for the kill -9 resume test (src/modules/imports/cli.test.ts).
 * Usage: node --import tsx test/helpers/import-child.ts <workspaceId> <importId> <batchSize> [threads]
 * (database and keys from the environment, like the CLI).
 */
import { runImport } from '../../src/modules/imports/service.js';
import { openOperatorRuntime } from '../../src/commands.js';

const [workspaceId, importId, batch, threads] = process.argv.slice(2);
const rt = await openOperatorRuntime();
const ctx = { db: rt.db, vault: rt.vault, now: () => new Date() };
const outcome = await runImport(ctx, workspaceId!, importId!, {
  batchSize: Number(batch),
  threads: Number(threads ?? 0),
  onBatch: (s, first) => {
    process.stdout.write(`batch ${first} ${s.processed}\n`);
  },
});
process.stdout.write(`end ${outcome}\n`);
await rt.close();
