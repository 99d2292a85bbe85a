import { sql } from 'kysely';
import { assertUuid, type Trx } from '../db/database.js';
import type { ActorType } from './event.js';
import './tables.js';

export interface AuditListFilters {
  actorId?: string;
  /** "Who has seen this person": served by the GIN index on subject_ids. */
  subjectId?: string;
  action?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** From a previous page's `nextCursor`; a malformed one throws RangeError (a 400). */
  cursor?: string | null;
  limit: number;
}

/** API.md "Audit": one event as the API shows it. */
export interface AuditEventView {
  id: string;
  seq: number | null;
  at: string;
  action: string;
  actorType: ActorType;
  actorId: string | null;
  subjectIds: string[];
  purpose: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  hash: string | null;
  prevHash: string | null;
}

export interface AuditEventPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

export const MAX_LIST_LIMIT = 200;

interface ListRow {
  id: number;
  seq: number | null;
  at: string;
  action: string;
  actor_type: ActorType;
  actor_id: string | null;
  subject_ids: string[];
  purpose: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  hash: Buffer | null;
  prev_hash: Buffer | null;
}

function encodeCursor(id: number): string {
  return Buffer.from(`a1:${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^a1:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m?.[1]) throw new RangeError('invalid cursor');
  return Number(m[1]);
}

/**
 * Newest first, in insertion order, so unchained events (seq null) show too.
 * Runs in the caller's workspace transaction: RLS keeps it to that workspace.
 */
export async function listAuditEvents(trx: Trx, filters: AuditListFilters): Promise<AuditEventPage> {
  if (filters.actorId !== undefined) assertUuid(filters.actorId, 'actorId');
  if (filters.subjectId !== undefined) assertUuid(filters.subjectId, 'subjectId');
  const limit = Math.max(1, Math.min(Math.trunc(filters.limit), MAX_LIST_LIMIT));
  const conds = [sql`workspace_id = confidant_current_workspace()`];
  if (filters.actorId !== undefined) conds.push(sql`actor_id = ${filters.actorId}`);
  if (filters.subjectId !== undefined) conds.push(sql`subject_ids @> array[${filters.subjectId}]::uuid[]`);
  if (filters.action !== undefined) conds.push(sql`action = ${filters.action}`);
  if (filters.from !== undefined) conds.push(sql`at >= ${filters.from.toISOString()}::timestamptz`);
  if (filters.to !== undefined) conds.push(sql`at < ${filters.to.toISOString()}::timestamptz`);
  if (filters.cursor) conds.push(sql`id < ${decodeCursor(filters.cursor)}`);
  const r = await sql<ListRow>`select id, seq,
      to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
      action, actor_type, actor_id, to_jsonb(subject_ids) as subject_ids, purpose, details, request_id, hash, prev_hash
    from audit_events where ${sql.join(conds, sql` and `)}
    order by id desc limit ${limit + 1}`.execute(trx);
  const rows = r.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map(toView),
    nextCursor: r.rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

function toView(row: ListRow): AuditEventView {
  return {
    id: String(row.id),
    seq: row.seq === null ? null : Number(row.seq),
    at: row.at,
    action: row.action,
    actorType: row.actor_type,
    actorId: row.actor_id,
    subjectIds: row.subject_ids,
    purpose: row.purpose,
    details: row.details,
    requestId: row.request_id,
    hash: row.hash?.toString('hex') ?? null,
    prevHash: row.prev_hash?.toString('hex') ?? null,
  };
}
