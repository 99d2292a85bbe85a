import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { jcs } from './jcs.js';

/**
 * Signed checkpoints: per workspace, an append-only JSON-lines file of the last
 * chained (seq, hash), each line HMAC-SHA256-signed under the key ring's
 * `audit-checkpoint` key. They live beside the key ring, outside the database,
 * so an insider who rewrites the chain (actor F) cannot rewrite them too.
 */
export interface Checkpoint {
  workspaceId: string;
  seq: number;
  /** hex */
  hash: string;
  /** when it was signed, ISO 8601 */
  at: string;
}

export type CheckpointLine =
  | { line: number; ok: true; checkpoint: Checkpoint }
  | { line: number; ok: false; reason: 'bad_signature' | 'malformed' | 'wrong_workspace' };

const KIND = 'confidant.audit.checkpoint';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkpointFile(dir: string, workspaceId: string): string {
  if (!UUID_RE.test(workspaceId)) throw new Error('workspace id is not a lower-case UUID');
  return path.join(dir, `audit-${workspaceId}.jsonl`);
}

function signedBytes(c: Checkpoint): string {
  const text = jcs({ kind: KIND, v: 1, workspaceId: c.workspaceId, seq: c.seq, hash: c.hash, at: c.at });
  return text;
}

function sign(key: Buffer, c: Checkpoint): string {
  return createHmac('sha256', key).update(signedBytes(c)).digest('hex');
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('checkpoint key must be 32 bytes');
}

/** Appends one signed line, durable before it returns (shutdown relies on it). */
export async function appendCheckpoint(dir: string, key: Buffer, c: Checkpoint): Promise<void> {
  assertKey(key);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  const file = checkpointFile(dir, c.workspaceId);
  const fh = await fs.open(file, 'a+', 0o600);
  try {
    await fh.chmod(0o600);
    await dropTornTail(fh);
    const line = JSON.stringify({ ...c, v: 1, sig: sign(key, c) }) + '\n';
    await fh.appendFile(line, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A crash mid-append leaves a line without its newline: cut it before appending. */
async function dropTornTail(fh: fs.FileHandle): Promise<void> {
  const { size } = await fh.stat();
  if (size === 0) return;
  const buf = Buffer.alloc(Math.min(size, 4096));
  await fh.read(buf, 0, buf.length, size - buf.length);
  if (buf[buf.length - 1] === 0x0a) return;
  const lastNl = buf.lastIndexOf(0x0a);
  await fh.truncate(lastNl === -1 ? Math.max(0, size - buf.length) : size - buf.length + lastNl + 1);
}

function parseLine(text: string, line: number, key: Buffer, workspaceId: string): CheckpointLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { line, ok: false, reason: 'malformed' };
  }
  const o = raw as Partial<Record<'workspaceId' | 'seq' | 'hash' | 'at' | 'sig' | 'v', unknown>>;
  if (
    typeof o !== 'object' || o === null || o.v !== 1 || typeof o.workspaceId !== 'string' ||
    typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1 ||
    typeof o.hash !== 'string' || !/^[0-9a-f]{64}$/.test(o.hash) ||
    typeof o.at !== 'string' || typeof o.sig !== 'string' || !/^[0-9a-f]{64}$/.test(o.sig)
  ) {
    return { line, ok: false, reason: 'malformed' };
  }
  const c: Checkpoint = { workspaceId: o.workspaceId, seq: o.seq, hash: o.hash, at: o.at };
  const good = timingSafeEqual(Buffer.from(sign(key, c), 'hex'), Buffer.from(o.sig, 'hex'));
  if (!good) return { line, ok: false, reason: 'bad_signature' };
  // A valid line copied from another workspace's file is still a forgery here.
  if (c.workspaceId !== workspaceId) return { line, ok: false, reason: 'wrong_workspace' };
  return { line, ok: true, checkpoint: c };
}

/**
 * Every line of a workspace's history, checked. A missing file is an empty
 * history; a final line without its newline is a torn write, not a forgery.
 */
export async function readCheckpoints(dir: string, key: Buffer, workspaceId: string): Promise<CheckpointLine[]> {
  assertKey(key);
  let text: string;
  try {
    text = await fs.readFile(checkpointFile(dir, workspaceId), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn write
  return lines.map((l, i) => parseLine(l, i + 1, key, workspaceId));
}

/** The newest checkpoint that verifies, or null. */
export function lastGood(lines: readonly CheckpointLine[]): Checkpoint | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l?.ok) return l.checkpoint;
  }
  return null;
}
