import { randomBytes } from 'node:crypto';
import type { Trx } from '../db/database.js';
import { DecryptionError, KEY_LEN, deriveKey, encodeAad, gcmOpen, gcmSeal, hmac, truncateBits } from './envelope.js';
import { DATA_KEY_VERSION, openWithKey, sealWithKey, type DataKey, type SealTarget } from './fields.js';
import { BlockPrf } from './block-prf.js';
import type { BulkKeys } from './bulk.js';
import { appendForgetLine } from './forget-list.js';
import type { Keyring } from './keyring.js';
import * as store from './keystore.js';
import { TtlLru } from './lru.js';

export { DecryptionError, type DecryptionErrorCode } from './envelope.js';
export type { DataKey, SealTarget } from './fields.js';

export { FORGET_LIST_FILE, forgetListPath } from './forget-list.js';
const DEFAULT_INDEX_BITS = 32;

export interface VaultOptions {
  /** Unwrapped subject keys kept in memory (32 bytes each plus ~150 bytes of bookkeeping). */
  subjectCacheSize?: number;
  /** Unwrapped workspace keys kept in memory. */
  workspaceCacheSize?: number;
  /** How long an unwrapped key is trusted: a shred in another process is honoured within it. */
  ttlMs?: number;
}

/** An unwrapped workspace key of one version and the keys derived from it. */
interface WorkspaceRoot {
  version: number;
  wrapKey: Buffer;
  root: Buffer;
  derived: Map<string, Buffer>;
}

export type Reindexer = (trx: Trx, workspaceId: string) => Promise<void>;

export { blindIndexWith, wrapSubjectKeyWith, type BulkKeys } from './bulk.js';

/**
 * Seals and opens personal data under per-subject keys, and computes blind
 * indexes, for code that holds a workspace transaction (docs/encryption.md).
 */
export class Vault {
  private readonly subjects: TtlLru<DataKey>;
  private readonly roots: TtlLru<WorkspaceRoot>;
  private readonly reindexers = new Map<string, Reindexer>();

  constructor(
    readonly keyring: Keyring,
    options: VaultOptions = {},
  ) {
    const ttl = options.ttlMs ?? 30_000;
    this.subjects = new TtlLru(options.subjectCacheSize ?? 100_000, ttl);
    this.roots = new TtlLru(options.workspaceCacheSize ?? 1_000, ttl);
  }

  async createWorkspaceKeys(trx: Trx, workspaceId: string): Promise<void> {
    const epoch = this.keyring.currentEpoch();
    await this.ensureWorkspaceKey(trx, workspaceId, epoch);
    await this.createSubjectKeys(trx, workspaceId, [workspaceId]);
  }

  async createSubjectKey(trx: Trx, workspaceId: string, subjectId: string): Promise<void> {
    await this.createSubjectKeys(trx, workspaceId, [subjectId]);
  }

  /** Bulk: one random key per subject, wrapped and inserted in batches; returns them unwrapped. */
  async createSubjectKeys(trx: Trx, workspaceId: string, subjectIds: readonly string[]): Promise<Map<string, DataKey>> {
    if ((await store.forgottenAmong(trx, workspaceId, subjectIds)).length > 0) {
      throw new Error('a subject on the forget list cannot get a new key; use a new subject id');
    }
    const root = await this.currentRoot(trx, workspaceId);
    const out = new Map<string, DataKey>();
    const rows = subjectIds.map((subjectId) => {
      const key = randomBytes(KEY_LEN);
      const dk = this.remember({ workspaceId, subjectId: subjectId === workspaceId ? null : subjectId, version: DATA_KEY_VERSION, key });
      out.set(subjectId, dk);
      return { subjectId, wsVersion: root.version, wrapped: wrapSubjectKey(root, workspaceId, subjectId, key) };
    });
    await store.insertSubjectKeys(trx, workspaceId, rows);
    return out;
  }

  async seal(trx: Trx, target: SealTarget, plaintext: Uint8Array | string): Promise<Buffer> {
    return sealWithKey(await this.dataKey(trx, target.workspaceId, target.subjectId), target, plaintext);
  }

  async open(trx: Trx, target: SealTarget, ciphertext: Buffer): Promise<Buffer> {
    return openWithKey(await this.dataKey(trx, target.workspaceId, target.subjectId), target, ciphertext);
  }

  async sealJson(trx: Trx, target: SealTarget, value: unknown): Promise<Buffer> {
    return this.seal(trx, target, JSON.stringify(value));
  }

  async openJson<T>(trx: Trx, target: SealTarget, ciphertext: Buffer): Promise<T> {
    return JSON.parse((await this.open(trx, target, ciphertext)).toString('utf8')) as T;
  }

  async dataKey(trx: Trx, workspaceId: string, subjectId: string | null): Promise<DataKey> {
    const keys = await this.getSubjectKeys(trx, workspaceId, [subjectId ?? workspaceId]);
    return keys.get(subjectId ?? workspaceId)!;
  }

  /**
   * Unwrapped keys for many subjects with one query for the ones not cached, for
   * bulk paths that then call sealWithKey / openWithKey synchronously.
   * Throws DecryptionError 'shredded' (forget list) or 'unknown_key' if any is missing.
   */
  async getSubjectKeys(trx: Trx, workspaceId: string, subjectIds: readonly string[]): Promise<Map<string, DataKey>> {
    workspaceId = workspaceId.toLowerCase();
    const out = new Map<string, DataKey>();
    const missing: string[] = [];
    for (const id of subjectIds) {
      const hit = this.subjects.get(`${workspaceId}:${id.toLowerCase()}`);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const asked = new Map(missing.map((id) => [id.toLowerCase(), id]));
    for (const row of await store.subjectKeyRows(trx, workspaceId, [...asked.keys()])) {
      if (row.forgotten) throw new DecryptionError('shredded', 'the subject was erased (crypto-shredded)');
      if (row.wrapped === null || row.ws_version === null) {
        throw new DecryptionError('unknown_key', 'no data key for this subject');
      }
      const root = await this.rootOf(trx, workspaceId, row.ws_version);
      const key = unwrapSubjectKey(root, workspaceId, row.subject_id, row.wrapped);
      const subjectId = row.subject_id === workspaceId ? null : row.subject_id;
      out.set(asked.get(row.subject_id) ?? row.subject_id, this.remember({ workspaceId, subjectId, version: DATA_KEY_VERSION, key }));
    }
    return out;
  }

  async blindIndex(trx: Trx, workspaceId: string, index: string, normalized: string, bits = DEFAULT_INDEX_BITS): Promise<Buffer> {
    return (await this.blindIndexer(trx, workspaceId, index, bits))(normalized);
  }

  /** Synchronous blind-index function under the current version, for bulk writes. */
  async blindIndexer(trx: Trx, workspaceId: string, index: string, bits = DEFAULT_INDEX_BITS): Promise<(normalized: string) => Buffer> {
    const [current] = await store.workspaceKeyVersions(trx, workspaceId, true);
    if (current === undefined) throw new DecryptionError('unknown_key', 'the workspace has no key');
    const key = derived(await this.rootOf(trx, workspaceId, current), `index/${index}`);
    return (normalized) => truncateBits(hmac(key, normalized), bits);
  }

  /**
   * The block PRF (AES-CMAC, block-prf.ts) of an index under the current
   * version, for values computed many at a time (search tokens).
   */
  async blockIndexer(trx: Trx, workspaceId: string, index: string): Promise<BlockPrf> {
    const [current] = await store.workspaceKeyVersions(trx, workspaceId, true);
    if (current === undefined) throw new DecryptionError('unknown_key', 'the workspace has no key');
    return new BlockPrf(derived(await this.rootOf(trx, workspaceId, current), `index/${index}`));
  }

  /** One PRF per live key version (two during a rotation), for queries. */
  async blockIndexCandidates(trx: Trx, workspaceId: string, index: string): Promise<BlockPrf[]> {
    const out: BlockPrf[] = [];
    for (const version of await store.workspaceKeyVersions(trx, workspaceId, false)) {
      out.push(new BlockPrf(derived(await this.rootOf(trx, workspaceId, version), `index/${index}`)));
    }
    return out;
  }

  /**
   * The current key version, locked like every writer's (FOR KEY SHARE) so a
   * rotation's barrier waits for this transaction: a bulk batch computed
   * under `BulkKeys.version` commits only if this still equals it.
   */
  async currentVersion(trx: Trx, workspaceId: string): Promise<number> {
    const [current] = await store.workspaceKeyVersions(trx, workspaceId, true);
    if (current === undefined) throw new DecryptionError('unknown_key', 'the workspace has no key');
    return current;
  }

  /** The workspace's key versions, newest first: two while a rotation runs. */
  async liveVersions(trx: Trx, workspaceId: string): Promise<number[]> {
    return store.workspaceKeyVersions(trx, workspaceId, false);
  }

  /** Key material for bulk workers under the current version (see BulkKeys). */
  async bulkKeys(trx: Trx, workspaceId: string, indexNames: readonly string[]): Promise<BulkKeys> {
    const version = await this.currentVersion(trx, workspaceId);
    const root = await this.rootOf(trx, workspaceId, version);
    const indexKeys: Record<string, Buffer> = {};
    for (const name of indexNames) indexKeys[name] = derived(root, `index/${name}`);
    return { workspaceId, version, wrapKey: root.wrapKey, indexKeys };
  }

  /**
   * Inserts subject keys wrapped by a bulk worker under `version` (ids fresh
   * and random). The forget list is checked as for `createSubjectKeys`. The
   * keys are not cached: a bulk load would only churn the cache.
   */
  async insertWrappedSubjectKeys(trx: Trx, workspaceId: string, version: number, rows: ReadonlyArray<{ subjectId: string; wrappedHex: string }>): Promise<void> {
    if ((await store.forgottenAmong(trx, workspaceId, rows.map((r) => r.subjectId))).length > 0) {
      throw new Error('a subject on the forget list cannot get a new key; use a new subject id');
    }
    await store.insertSubjectKeysHex(trx, workspaceId, rows.map((r) => ({ subjectId: r.subjectId, wsVersion: version, wrappedHex: r.wrappedHex })));
  }

  async blindIndexCandidates(trx: Trx, workspaceId: string, index: string, normalized: string, bits = DEFAULT_INDEX_BITS): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const version of await store.workspaceKeyVersions(trx, workspaceId, false)) {
      const key = derived(await this.rootOf(trx, workspaceId, version), `index/${index}`);
      out.push(truncateBits(hmac(key, normalized), bits));
    }
    return out;
  }

  /**
   * Full-width HMAC under the current epoch's workspace key: equal values match
   * within an epoch, and an old backup's hashes stop being checkable once the epoch
   * is destroyed (an erased person's typed email is not confirmable forever).
   */
  async keyedHash(trx: Trx, workspaceId: string, purpose: string, value: string): Promise<Buffer> {
    const root = await this.currentRoot(trx, workspaceId);
    return hmac(derived(root, `keyed-hash/${purpose}`), value);
  }

  async keyedHashCandidates(trx: Trx, workspaceId: string, purpose: string, value: string): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const version of await store.workspaceKeyVersions(trx, workspaceId, false)) {
      out.push(hmac(derived(await this.rootOf(trx, workspaceId, version), `keyed-hash/${purpose}`), value));
    }
    return out;
  }

  /**
   * Crypto-shredding: the wrapped key goes, the id joins the forget list in the
   * database and in the file beside the key ring. The file line is written before
   * commit: if the transaction then fails, a later restore shreds an id whose
   * erasure was requested anyway, which errs on the side of the person.
   */
  async shredSubject(trx: Trx, workspaceId: string, subjectId: string, opts: { appendToFile?: boolean } = {}): Promise<void> {
    if (subjectId === workspaceId) throw new Error("the workspace's own data key is not a subject key");
    await store.shredRows(trx, workspaceId, subjectId);
    if (opts.appendToFile !== false) appendForgetLine(this.keyring.dir, workspaceId, subjectId, new Date());
    this.subjects.delete(`${workspaceId}:${subjectId}`);
  }

  registerReindexer(name: string, fn: Reindexer): void {
    this.reindexers.set(name, fn);
  }

  reindexerList(): Array<[string, Reindexer]> {
    return [...this.reindexers.entries()];
  }

  /** Inserts the workspace key of `epoch` if missing (rotation and creation). */
  async ensureWorkspaceKey(trx: Trx, workspaceId: string, epoch: number): Promise<boolean> {
    const root = randomBytes(KEY_LEN);
    const wrapped = gcmSeal(masterWrapKey(this.keyring, epoch), epoch, workspaceAad(workspaceId, epoch), root);
    return store.insertWorkspaceKey(trx, workspaceId, epoch, wrapped);
  }

  /** Re-wraps one batch of subject keys under `version`; returns how many. */
  async rewrapBatch(trx: Trx, workspaceId: string, version: number, limit: number): Promise<number> {
    const stale = await store.staleSubjectKeys(trx, workspaceId, version, limit);
    if (stale.length === 0) return 0;
    const next = await this.rootOf(trx, workspaceId, version);
    const rows: store.NewSubjectKey[] = [];
    for (const row of stale) {
      const key = unwrapSubjectKey(await this.rootOf(trx, workspaceId, row.ws_version), workspaceId, row.subject_id, row.wrapped);
      rows.push({ subjectId: row.subject_id, wsVersion: version, wrapped: wrapSubjectKey(next, workspaceId, row.subject_id, key) });
      key.fill(0);
    }
    await store.updateSubjectKeys(trx, workspaceId, rows);
    return rows.length;
  }

  forgetWorkspaceVersionsBelow(workspaceId: string, version: number): void {
    this.roots.deleteWhere((k) => {
      const [ws, v] = k.split(':');
      return ws === workspaceId && Number(v) < version;
    });
  }

  private remember(dk: DataKey): DataKey {
    this.subjects.set(`${dk.workspaceId}:${dk.subjectId ?? dk.workspaceId}`, dk);
    return dk;
  }

  private async currentRoot(trx: Trx, workspaceId: string): Promise<WorkspaceRoot> {
    const [current] = await store.workspaceKeyVersions(trx, workspaceId, true);
    if (current === undefined) throw new DecryptionError('unknown_key', 'the workspace has no key');
    return this.rootOf(trx, workspaceId, current);
  }

  private async rootOf(trx: Trx, workspaceId: string, version: number): Promise<WorkspaceRoot> {
    const cacheKey = `${workspaceId}:${version}`;
    const hit = this.roots.get(cacheKey);
    if (hit) return hit;
    const wrapped = await store.wrappedWorkspaceKey(trx, workspaceId, version);
    if (!wrapped) throw new DecryptionError('unknown_key', `no workspace key of version ${version}`);
    const root = gcmOpen(masterWrapKey(this.keyring, version), version, workspaceAad(workspaceId, version), wrapped);
    const entry: WorkspaceRoot = { version, root, wrapKey: deriveKey(root, 'wrap/subject'), derived: new Map() };
    this.roots.set(cacheKey, entry);
    return entry;
  }
}

function masterWrapKey(keyring: Keyring, epoch: number): Buffer {
  return deriveKey(keyring.masterKey(epoch), 'wrap/workspace');
}

function workspaceAad(workspaceId: string, version: number): Buffer {
  return encodeAad(['workspace-key', workspaceId, version]);
}

function wrapSubjectKey(root: WorkspaceRoot, workspaceId: string, subjectId: string, key: Buffer): Buffer {
  return gcmSeal(root.wrapKey, root.version, encodeAad(['subject-key', workspaceId, subjectId]), key);
}

function unwrapSubjectKey(root: WorkspaceRoot, workspaceId: string, subjectId: string, wrapped: Buffer): Buffer {
  return gcmOpen(root.wrapKey, root.version, encodeAad(['subject-key', workspaceId, subjectId]), wrapped);
}

function derived(root: WorkspaceRoot, info: string): Buffer {
  let key = root.derived.get(info);
  if (!key) {
    key = deriveKey(root.root, info);
    root.derived.set(info, key);
  }
  return key;
}
