import fs from 'node:fs';
import type { Database } from '../db/database.js';
import type { Keyring } from './keyring.js';
import * as store from './keystore.js';
import type { Vault } from './vault.js';
import { forgetListPath } from './forget-list.js';

const REWRAP_BATCH = 1000;
const DAY_MS = 86_400_000;

export interface RotateOptions {
  db: Database;
  keyring: Keyring;
  vault: Vault;
  now: Date;
  log?: (msg: string) => void;
}

export interface RotateResult {
  epoch: number;
  workspaces: number;
  subjectKeysRewrapped: number;
}

/**
 * A new master epoch, a new workspace key under it for every workspace, every
 * subject key re-wrapped, blind indexes re-computed, old workspace keys deleted.
 * Online and resumable: each step is its own short transaction per workspace and
 * each wrapped key records its version, so re-running after a crash finishes the
 * unfinished rotation instead of starting another. Field ciphertext is untouched.
 */
export async function rotateKeys(opts: RotateOptions): Promise<RotateResult> {
  const { db, keyring, vault, now } = opts;
  const log = opts.log ?? (() => {});
  const ids = await db.withSystem((trx) => store.allWorkspaceIds(trx));
  let epoch = keyring.currentEpoch();
  let unfinished = false;
  for (const ws of ids) {
    const versions = await db.withWorkspace(ws, (trx) => store.workspaceKeyVersions(trx, ws, false));
    if (versions.length !== 1 || versions[0] !== epoch) unfinished = true;
  }
  if (unfinished) {
    log(`finishing the rotation to epoch ${epoch}`);
  } else {
    epoch = await keyring.addEpoch();
    log(`rotating to new epoch ${epoch}`);
  }
  let rewrapped = 0;
  for (const ws of ids) rewrapped += await rotateWorkspace(db, vault, ws, epoch);
  keyring.retireEpochsBelow(epoch, now);
  log(`rotation to epoch ${epoch} done: ${ids.length} workspaces, ${rewrapped} subject keys re-wrapped`);
  return { epoch, workspaces: ids.length, subjectKeysRewrapped: rewrapped };
}

async function rotateWorkspace(db: Database, vault: Vault, ws: string, epoch: number): Promise<number> {
  await db.withWorkspace(ws, (trx) => vault.ensureWorkspaceKey(trx, ws, epoch));
  // Barrier: writers that read the old version before the new key committed hold a
  // FOR KEY SHARE lock on it; once they are done, every later writer uses the new one.
  await db.withWorkspace(ws, (trx) => store.lockOldWorkspaceKeys(trx, ws, epoch));
  let total = 0;
  for (;;) {
    const n = await db.withWorkspace(ws, (trx) => vault.rewrapBatch(trx, ws, epoch, REWRAP_BATCH));
    total += n;
    if (n === 0) break;
  }
  for (const [, reindex] of vault.reindexerList()) {
    await db.withWorkspace(ws, (trx) => reindex(trx, ws));
  }
  // The foreign key from subject_keys refuses this delete while any subject key
  // still depends on an old version (one skipped as locked): re-run to finish.
  await db.withWorkspace(ws, async (trx) => {
    await store.lockOldWorkspaceKeys(trx, ws, epoch);
    for (;;) {
      const n = await vault.rewrapBatch(trx, ws, epoch, REWRAP_BATCH);
      total += n;
      if (n === 0) break;
    }
    await store.deleteOldWorkspaceKeys(trx, ws, epoch);
  });
  vault.forgetWorkspaceVersionsBelow(ws, epoch);
  return total;
}

/**
 * Destroys master keys retired longer than the backup retention: from then on no
 * backup, however old, opens with any key ring. With inline keys the operator
 * removes them: this only says which. Given the database, an epoch some workspace
 * key still uses (a process that created a workspace with a stale ring) is kept.
 */
export async function destroyExpiredMasterKeys(
  keyring: Keyring,
  now: Date,
  backupRetentionDays: number,
  db?: Database,
): Promise<number[]> {
  const cutoff = now.getTime() - backupRetentionDays * DAY_MS;
  let due = keyring.retiredEpochs().filter((r) => r.retiredAt.getTime() <= cutoff);
  if (db && due.length > 0) {
    const inUse = await epochsInUse(db);
    for (const r of due.filter((d) => inUse.has(d.epoch))) {
      keyring.warn(`master key epoch ${r.epoch} still wraps a workspace key: run a rotation before it is destroyed`);
    }
    due = due.filter((d) => !inUse.has(d.epoch));
  }
  if (keyring.isInline) {
    for (const r of due) {
      keyring.warn(`master key epoch ${r.epoch} is past the backup retention: remove it from CONFIDANT_MASTER_KEYS`);
    }
    return [];
  }
  for (const r of due) keyring.destroyEpoch(r.epoch, now);
  return due.map((r) => r.epoch);
}

async function epochsInUse(db: Database): Promise<Set<number>> {
  const used = new Set<number>();
  for (const ws of await db.withSystem((trx) => store.allWorkspaceIds(trx))) {
    for (const v of await db.withWorkspace(ws, (trx) => store.workspaceKeyVersions(trx, ws, false))) used.add(v);
  }
  return used;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * After a restore: every id in the file beside the key ring that the restored
 * database has not forgotten is shredded now. Returns how many were.
 */
export async function replayForgetList(db: Database, keyring: Keyring, vault: Vault): Promise<number> {
  const file = forgetListPath(keyring.dir);
  if (!fs.existsSync(file)) return 0;
  const byWorkspace = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [, ws, subject] = line.split('\t');
    if (!ws || !subject || !UUID_RE.test(ws) || !UUID_RE.test(subject)) continue;
    let set = byWorkspace.get(ws);
    if (!set) byWorkspace.set(ws, (set = new Set()));
    set.add(subject);
  }
  let shredded = 0;
  for (const [ws, subjects] of byWorkspace) {
    shredded += await db.withWorkspace(ws, async (trx) => {
      if (!(await store.workspaceExists(trx, ws))) return 0;
      const known = new Set(await store.forgottenAmong(trx, ws, [...subjects]));
      const todo = [...subjects].filter((s) => !known.has(s));
      for (const s of todo) await vault.shredSubject(trx, ws, s, { appendToFile: false });
      return todo.length;
    });
  }
  return shredded;
}
