import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { chainHash, fieldsOf, GENESIS_HASH, STORED_EVENT_COLUMNS, type StoredEventRow } from './encoding.js';
import './tables.js';

export type BrokenReason =
  | 'missing_or_reordered' // the next seq is not there: an event was removed or moved
  | 'prev_link' // prev_hash is not the previous event's hash
  | 'hash' // the event's content does not hash to its stored hash (edited, or reordered)
  | 'checkpoint_mismatch' // the chain differs from what a signed checkpoint recorded (recomputed chain)
  | 'tail_cut' // events that were chained (per the head or a checkpoint) are gone
  | 'head_mismatch'; // the chain head row disagrees with the last event

export interface BrokenAt {
  seq: number;
  /** The storage id of the event found at (or after) that position, if any. */
  eventId: string | null;
  reason: BrokenReason;
}

export interface Anchor {
  seq: number;
  hash: Buffer;
}

export const GENESIS: Anchor = { seq: 0, hash: GENESIS_HASH };

export interface WalkResult {
  checked: number;
  last: Anchor;
  broken: BrokenAt[];
}

const PAGE = 5000;

/** The chain head as the chainer left it, or null if no chainer ever ran. */
export async function readHead(db: Database, workspaceId: string): Promise<Anchor | null> {
  const r = await db.withWorkspace(workspaceId, (trx) =>
    sql<{ seq: number; hash: Buffer }>`select seq, hash from audit_chain_heads where workspace_id = ${workspaceId}`.execute(trx),
  );
  const row = r.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/**
 * Re-hashes the chain after `from` up to `until` (inclusive), page by page (a
 * transaction each, so an embedded database is not held for a whole walk;
 * chained rows are frozen, so pages agree). Every event must follow the last
 * one: next seq, linked prev_hash, content hashing to its hash. `expected`
 * holds hashes signed in checkpoints, compared as the walk passes their seq.
 */
export async function walkChain(
  db: Database,
  workspaceId: string,
  from: Anchor,
  until: number,
  expected: ReadonlyMap<number, string> = new Map(),
): Promise<WalkResult> {
  const broken: BrokenAt[] = [];
  let prev = from;
  let checked = 0;
  for (;;) {
    const rows = await readPage(db, workspaceId, prev.seq, until);
    for (const row of rows) {
      const seq = Number(row.seq);
      const found = checkEvent(workspaceId, prev, seq, row);
      if (found) broken.push(found);
      const signed = expected.get(seq);
      if (signed !== undefined && signed !== row.hash?.toString('hex')) {
        broken.push({ seq, eventId: String(row.id), reason: 'checkpoint_mismatch' });
      }
      prev = { seq, hash: row.hash ?? GENESIS_HASH };
      checked++;
    }
    if (rows.length < PAGE) break;
  }
  return { checked, last: prev, broken };
}

async function readPage(db: Database, workspaceId: string, afterSeq: number, until: number): Promise<StoredEventRow[]> {
  const r = await db.withWorkspace(workspaceId, (trx) =>
    sql<StoredEventRow>`select ${STORED_EVENT_COLUMNS} from audit_events
      where workspace_id = ${workspaceId} and seq > ${afterSeq} and seq <= ${until}
      order by seq limit ${PAGE}`.execute(trx),
  );
  return r.rows;
}

function checkEvent(workspaceId: string, prev: Anchor, seq: number, row: StoredEventRow): BrokenAt | null {
  const eventId = String(row.id);
  if (seq !== prev.seq + 1) return { seq: prev.seq + 1, eventId, reason: 'missing_or_reordered' };
  if (!row.prev_hash || !row.prev_hash.equals(prev.hash)) return { seq, eventId, reason: 'prev_link' };
  const hash = chainHash(prev.hash, fieldsOf(workspaceId, seq, row));
  if (!row.hash || !hash.equals(row.hash)) return { seq, eventId, reason: 'hash' };
  return null;
}
