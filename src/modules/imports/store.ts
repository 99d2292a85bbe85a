/**
 * Sealed chunks of an import (THREATS.md "Personal data outside the tables"):
 * the upload and the error file are stored only encrypted under the
 * workspace key, each chunk bound to its import, kind and sequence number.
 */
import { createHmac, type Hmac } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { Database, Trx } from '../../platform/db/database.js';
import type { SealTarget, Vault } from '../../platform/crypto/index.js';
import { chunkAfter, insertChunk, UPLOAD, uploadSeen } from './queries.js';

/** Where the sealed options (mapping, lawful basis, source) of an import belong. */
export const OPTIONS_TARGET = (workspaceId: string, id: string): SealTarget => ({ workspaceId, subjectId: null, table: 'imports', rowId: id, column: 'options', recordVersion: 1 });

/** Plaintext bytes per sealed upload chunk. */
export const CHUNK_BYTES = 256 * 1024;

export function chunkTarget(workspaceId: string, importId: string, kind: number, seq: number): SealTarget {
  return { workspaceId, subjectId: null, table: 'import_chunks', rowId: importId, column: `${kind}:${seq}`, recordVersion: 1 };
}

export async function sealChunk(trx: Trx, vault: Vault, workspaceId: string, importId: string, kind: number, seq: number, data: Uint8Array | string): Promise<void> {
  await insertChunk(trx, workspaceId, importId, kind, seq, await vault.seal(trx, chunkTarget(workspaceId, importId, kind, seq), data));
}

/** The key ring's purpose key for file MACs (migration 0027): stable across key epochs. */
export const FILE_MAC_PURPOSE = 'import-file';

/**
 * The keyed hash that recognises an uploaded file (imports.file_mac): the
 * bytes under a key-ring purpose key, bound to the workspace. Never a plain
 * hash: anyone holding a candidate file could then confirm it was imported.
 */
export function fileMac(vault: Vault, workspaceId: string): Hmac {
  return createHmac('sha256', vault.keyring.purposeKey(FILE_MAC_PURPOSE)).update(`${workspaceId}\n`, 'utf8');
}

/** The file MAC of a file on disk (the CLI's check before it stores one again). */
export async function fileMacOf(vault: Vault, workspaceId: string, file: string): Promise<Buffer> {
  const mac = fileMac(vault, workspaceId);
  for await (const piece of fs.createReadStream(file)) mac.update(piece as Buffer);
  return mac.digest();
}

/**
 * Streams an upload into sealed chunks, one transaction each, each moving the
 * import's upload_seen_at on (an upload that stops moving was interrupted:
 * purge.ts); returns the bytes stored and the file's MAC.
 */
export async function storeUpload(
  db: Database, vault: Vault, workspaceId: string, importId: string, source: Readable | AsyncIterable<Buffer>, now: () => Date,
): Promise<{ bytes: number; mac: Buffer }> {
  const mac = fileMac(vault, workspaceId);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let total = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const data = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    seq += 1;
    const s = seq;
    await db.withWorkspace(workspaceId, async (trx) => {
      await sealChunk(trx, vault, workspaceId, importId, UPLOAD, s, data);
      await uploadSeen(trx, workspaceId, importId, now());
    });
  };
  for await (const piece of source as AsyncIterable<Buffer>) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    mac.update(buf);
    pending.push(buf);
    pendingBytes += buf.length;
    total += buf.length;
    if (pendingBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return { bytes: total, mac: mac.digest() };
}

/** The opened chunks of a kind, in order, one query each. */
export async function* readChunks(db: Database, vault: Vault, workspaceId: string, importId: string, kind: number): AsyncGenerator<Buffer> {
  let after = 0;
  for (;;) {
    const next = await db.withWorkspace(workspaceId, async (trx) => {
      const c = await chunkAfter(trx, workspaceId, importId, kind, after);
      return c ? { seq: c.seq, data: await vault.open(trx, chunkTarget(workspaceId, importId, kind, c.seq), c.data) } : null;
    });
    if (!next) return;
    after = next.seq;
    yield next.data;
  }
}
