import type { ColumnType, Generated } from 'kysely';
import type { ActorType } from './event.js';

/**
 * The audit tables as Kysely sees them. Only the columns the app may insert
 * are insertable; seq and the hashes belong to the chainer (0003_audit.sql).
 */
export interface AuditEventsTable {
  workspace_id: string;
  id: Generated<number>;
  seq: ColumnType<number | null, never, never>;
  at: ColumnType<Date, never, never>;
  action: string;
  actor_type: ActorType;
  actor_id: string | null;
  subject_ids: ColumnType<string[], string[] | undefined, never>;
  purpose: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  request_id: string | null;
  prev_hash: ColumnType<Buffer | null, never, never>;
  hash: ColumnType<Buffer | null, never, never>;
}

export interface AuditChainHeadsTable {
  workspace_id: string;
  seq: ColumnType<number, never, never>;
  hash: ColumnType<Buffer, never, never>;
  updated_at: ColumnType<Date, never, never>;
}

declare module '../db/schema.js' {
  interface DB {
    audit_events: AuditEventsTable;
    audit_chain_heads: AuditChainHeadsTable;
  }
}
