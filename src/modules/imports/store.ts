/**
 * Sealed chunks of an import (THREATS.md "Personal data outside the tables"):
 * the upload and the error file are stored only encrypted under the
 * workspace key, each chunk bound to its import, kind and sequence number.
 */
import type { Readable } from 'node:stream';
import type { Database, Trx } from '../../platform/db/database.js';
import type { SealTarget, Vault } from '../../platform/crypto/index.js';
import { chunkAfter, insertChunk, UPLOAD } from './queries.js';

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

/** Streams an upload into sealed chunks, one transaction each; returns the bytes stored. */
export async function storeUpload(db: Database, vault: Vault, workspaceId: string, importId: string, source: Readable | AsyncIterable<Buffer>): Promise<number> {
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
    await db.withWorkspace(workspaceId, (trx) => sealChunk(trx, vault, workspaceId, importId, UPLOAD, s, data));
  };
  for await (const piece of source as AsyncIterable<Buffer>) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    pending.push(buf);
    pendingBytes += buf.length;
    total += buf.length;
    if (pendingBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return total;
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
