import { encodeAad, gcmOpen, gcmSeal } from './envelope.js';

/** Where a ciphertext belongs: every part is bound into its associated data. */
export interface SealTarget {
  workspaceId: string;
  /** null: the workspace's own data key (fields that belong to no person). */
  subjectId: string | null;
  table: string;
  rowId: string;
  /** The column, or a record kind when one ciphertext holds a whole record. */
  column: string;
  /** Bumped on every write of the field, so an older ciphertext cannot be replayed. */
  recordVersion: number;
}

/**
 * An unwrapped data key. Subject keys are never re-keyed by a rotation (only
 * re-wrapped), so their version stays 1; the header carries it so a future
 * re-key can tell generations apart.
 */
export interface DataKey {
  readonly workspaceId: string;
  readonly subjectId: string | null;
  readonly version: number;
  readonly key: Buffer;
}

export const DATA_KEY_VERSION = 1;

function fieldAad(target: SealTarget, keyVersion: number): Buffer {
  if (!Number.isSafeInteger(target.recordVersion) || target.recordVersion < 0) {
    throw new RangeError('recordVersion must be a non-negative integer');
  }
  return encodeAad([
    'field',
    target.workspaceId,
    target.subjectId ?? '',
    target.table,
    target.rowId,
    target.column,
    keyVersion,
    target.recordVersion,
  ]);
}

function assertKeyFits(key: DataKey, target: SealTarget): void {
  if (key.workspaceId !== target.workspaceId || key.subjectId !== target.subjectId) {
    throw new Error('data key does not belong to the target subject');
  }
}

function toBytes(plaintext: Uint8Array | string): Uint8Array {
  return typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
}

/** Synchronous: the bulk path (an import seals a million records with keys fetched once). */
export function sealWithKey(key: DataKey, target: SealTarget, plaintext: Uint8Array | string): Buffer {
  assertKeyFits(key, target);
  return gcmSeal(key.key, key.version, fieldAad(target, key.version), toBytes(plaintext));
}

export function openWithKey(key: DataKey, target: SealTarget, ciphertext: Buffer): Buffer {
  assertKeyFits(key, target);
  return gcmOpen(key.key, key.version, fieldAad(target, key.version), ciphertext);
}

export function sealJsonWithKey(key: DataKey, target: SealTarget, value: unknown): Buffer {
  return sealWithKey(key, target, JSON.stringify(value));
}

export function openJsonWithKey<T>(key: DataKey, target: SealTarget, ciphertext: Buffer): T {
  return JSON.parse(openWithKey(key, target, ciphertext).toString('utf8')) as T;
}
