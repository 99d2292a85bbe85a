import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { jcs } from './jcs.js';

/** prev_hash of a workspace's first event (seq 1), and the hash of an empty chain. */
export const GENESIS_HASH = Buffer.alloc(32);

/** The fields an event's hash covers, exactly as RFC 8785 encodes them (docs/audit.md). */
export interface ChainedEventFields {
  workspaceId: string;
  seq: number;
  /** ISO 8601 UTC with milliseconds, e.g. 2025-01-02T03:04:05.678Z (the column's precision). */
  at: string;
  action: string;
  actorType: string;
  actorId: string | null;
  subjectIds: string[];
  purpose: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
}

/**
 * The event's RFC 8785 (JCS) encoding. The storage id is left out on purpose:
 * it is a handle, and a dump restored elsewhere may renumber it without the
 * event changing. `v` lets a later encoding coexist with this one.
 */
export function encodeEvent(e: ChainedEventFields): Buffer {
  const text = jcs({
    v: 1,
    workspaceId: e.workspaceId,
    seq: e.seq,
    at: e.at,
    action: e.action,
    actor: { type: e.actorType, id: e.actorId },
    subjectIds: e.subjectIds,
    purpose: e.purpose,
    details: e.details,
    requestId: e.requestId,
  });
  return Buffer.from(text, 'utf8');
}

/** hash = SHA-256(prev_hash || JCS(event)) (DESIGN.md data rule 4). */
export function chainHash(prevHash: Buffer, e: ChainedEventFields): Buffer {
  return createHash('sha256').update(prevHash).update(encodeEvent(e)).digest();
}

/** A chained or unchained row read back for hashing, with `at` already as text. */
export interface StoredEventRow {
  id: number;
  seq: number | null;
  at: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  subject_ids: string[];
  purpose: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

/**
 * The select list that reads a row the way it is hashed: `at` formatted in SQL
 * (both drivers would otherwise round-trip it through Date), subject ids as
 * JSON (the same text on both drivers).
 */
export const STORED_EVENT_COLUMNS: RawBuilder<unknown> = sql`id, seq,
  to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
  action, actor_type, actor_id, to_jsonb(subject_ids) as subject_ids, purpose, details, request_id,
  prev_hash, hash`;

export function fieldsOf(workspaceId: string, seq: number, row: StoredEventRow): ChainedEventFields {
  return {
    workspaceId,
    seq,
    at: row.at,
    action: row.action,
    actorType: row.actor_type,
    actorId: row.actor_id,
    subjectIds: row.subject_ids,
    purpose: row.purpose,
    details: row.details,
    requestId: row.request_id,
  };
}
