import { sql } from 'kysely';
import type { Trx } from '../db/database.js';
import { toRow, type AuditEventInput } from './event.js';
import './tables.js';

/**
 * Records one event in the caller's transaction, so it commits (or not) with
 * what it records. One INSERT, no lock: the chainer hashes it a moment later.
 * The transaction must be a workspace one (`db.withWorkspace`).
 */
export async function recordAudit(trx: Trx, event: AuditEventInput): Promise<number> {
  const [id] = await recordAuditMany(trx, [event]);
  if (id === undefined) throw new Error('audit event was not recorded');
  return id;
}

/**
 * Records many events with one INSERT (group commit for batch work: an import,
 * a job). The whole batch travels as one JSON parameter, so its size is not
 * bounded by the protocol's parameter count. Returns the storage ids in order.
 */
export async function recordAuditMany(trx: Trx, events: readonly AuditEventInput[]): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = auditRowsJson(events);
  const result = await sql<{ id: number }>`
    insert into audit_events (workspace_id, action, actor_type, actor_id, subject_ids, purpose, details, request_id)
    select confidant_current_workspace(), r.action, r.actor_type, r.actor_id, r.subject_ids, r.purpose, r.details, r.request_id
    from jsonb_to_recordset(${rows}::jsonb) as r(
      action text, actor_type text, actor_id uuid, subject_ids uuid[], purpose text, details jsonb, request_id text)
    returning id`.execute(trx);
  return result.rows.map((r) => r.id);
}

/**
 * Events validated and shaped as the rows `recordAuditMany` inserts, as one
 * JSON array: for a database function that appends them in the same round
 * trip as other work (confidant_record_read, migration 0018).
 */
export function auditRowsJson(events: readonly AuditEventInput[]): string {
  return JSON.stringify(events.map(toRow));
}
