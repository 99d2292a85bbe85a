/**
 * Key material and pure functions for bulk workers (an import's threads):
 * they seal, wrap and index away from the database and the vault, with only
 * the derived keys of one version (never the workspace root or a master key).
 * Kept free of database imports, so a worker loads little.
 */
import { encodeAad, gcmSeal, hmac, truncateBits } from './envelope.js';

const DEFAULT_INDEX_BITS = 32;

/**
 * The derived index keys and the subject-wrap key of one version. A writer
 * using them checks, in each batch's transaction, that `version` is still
 * current (`Vault.currentVersion`).
 */
export interface BulkKeys {
  workspaceId: string;
  version: number;
  wrapKey: Buffer;
  indexKeys: Record<string, Buffer>;
}

/** Wraps a fresh subject key as `Vault.createSubjectKeys` does. */
export function wrapSubjectKeyWith(keys: Pick<BulkKeys, 'workspaceId' | 'version' | 'wrapKey'>, subjectId: string, key: Buffer): Buffer {
  return gcmSeal(keys.wrapKey, keys.version, encodeAad(['subject-key', keys.workspaceId, subjectId]), key);
}

/** The HMAC blind index of `Vault.blindIndexer`, from a bulk key. */
export function blindIndexWith(indexKey: Buffer, normalized: string, bits = DEFAULT_INDEX_BITS): Buffer {
  return truncateBits(hmac(indexKey, normalized), bits);
}
