import type { AppContext } from '../../app.js';
import type { Config } from '../../config.js';
import { createVault, loadKeyring } from '../../context.js';
import { recordAudit } from '../../platform/audit/record.js';
import { openDatabase } from '../../platform/db/database.js';
import type { CliRuntime } from './cli.js';
import type { WorkspaceDeps } from './service.js';

export function workspaceDepsFor(ctx: AppContext): Promise<WorkspaceDeps> {
  return Promise.resolve({ db: ctx.db, vault: ctx.vault, recordAudit });
}

/** What `confidant workspace create` runs on: the migrated database and the key ring. */
export async function openCliRuntime(config: Config): Promise<CliRuntime> {
  const db = await openDatabase(config.database, { migrate: true });
  try {
    const keyring = await loadKeyring(config, (msg) => process.stderr.write(`warning: ${msg}\n`));
    return { deps: { db, vault: createVault(keyring), recordAudit }, close: () => db.close() };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** A vault over the configured key ring, with every module's re-indexers. */
export async function loadVault(config: Config, warn: (msg: string) => void): Promise<ReturnType<typeof createVault>> {
  return createVault(await loadKeyring(config, warn));
}
