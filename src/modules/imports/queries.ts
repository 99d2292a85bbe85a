/** SQL of the imports module (parameterized; tables of migration 0020). */
import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export type ImportStatus = 'uploading' | 'queued' | 'running' | 'done' | 'failed';
export type DuplicatePolicy = 'skip' | 'update' | 'create';

export interface ImportRow {
  id: string;
  status: ImportStatus;
  options: Buffer | null;
  duplicates: DuplicatePolicy;
  actor_type: string;
  actor_id: string | null;
  resume_line: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  error_code: string | null;
}

export const UPLOAD = 1;
export const ERRORS = 2;

const COLUMNS = sql`id, status, options, duplicates, actor_type, actor_id, resume_line::int as resume_line, processed, created, updated, skipped, rejected, error_code`;

export async function insertImport(trx: Trx, row: { workspaceId: string; id: string; actorType: string; actorId: string | null; now: Date }): Promise<void> {
  await sql`insert into imports (workspace_id, id, status, actor_type, actor_id, created_at, upload_seen_at)
    values (${row.workspaceId}, ${row.id}, 'uploading', ${row.actorType}, ${row.actorId}, ${row.now}, ${row.now})`.execute(trx);
}

/** The upload of an import moved on (a chunk was stored). */
export async function uploadSeen(trx: Trx, workspaceId: string, id: string, now: Date): Promise<void> {
  await sql`update imports set upload_seen_at = ${now} where workspace_id = ${workspaceId} and id = ${id}`.execute(trx);
}

/** Queues a stored upload; false when it is no longer uploading (marked interrupted meanwhile: purge.ts). */
export async function queueImport(trx: Trx, workspaceId: string, id: string, options: Buffer, duplicates: DuplicatePolicy, fileMac: Buffer): Promise<boolean> {
  const r = await sql`update imports set status = 'queued', options = ${options}, duplicates = ${duplicates}, file_mac = ${fileMac}
    where workspace_id = ${workspaceId} and id = ${id} and status = 'uploading'`.execute(trx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Unfinished imports (queued or running) of the file with this MAC, oldest first. */
export async function unfinishedOfFile(trx: Trx, workspaceId: string, fileMac: Buffer): Promise<ImportRow[]> {
  const r = await sql<ImportRow>`select ${COLUMNS} from imports
    where workspace_id = ${workspaceId} and file_mac = ${fileMac} and status in ('queued', 'running') order by created_at, id`.execute(trx);
  return r.rows;
}

export interface ImportListRow extends ImportRow {
  created_at: Date;
  finished_at: Date | null;
}

/** A page of the workspace's imports, newest first, after the keyset cursor (created_at, id). */
export async function importPage(trx: Trx, workspaceId: string, after: { createdAt: Date; id: string } | null, limit: number): Promise<ImportListRow[]> {
  const from = after === null ? sql`true` : sql`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`;
  const r = await sql<ImportListRow>`select ${COLUMNS}, created_at, finished_at from imports
    where workspace_id = ${workspaceId} and ${from} order by created_at desc, id desc limit ${limit}`.execute(trx);
  return r.rows;
}

/** Deletes an upload that was refused (bad options); one marked interrupted meanwhile stays, failed, in the list. */
export async function deleteImport(trx: Trx, workspaceId: string, id: string): Promise<void> {
  await sql`delete from imports where workspace_id = ${workspaceId} and id = ${id} and status = 'uploading'`.execute(trx);
}

export async function importRow(trx: Trx, workspaceId: string, id: string, lock = false): Promise<ImportRow | null> {
  const r = await sql<ImportRow>`select ${COLUMNS} from imports where workspace_id = ${workspaceId} and id = ${id} ${lock ? sql`for no key update` : sql``}`.execute(trx);
  return r.rows[0] ?? null;
}

export async function setStatus(trx: Trx, workspaceId: string, id: string, status: ImportStatus, finishedAt: Date | null, errorCode: string | null = null): Promise<void> {
  await sql`update imports set status = ${status}, finished_at = ${finishedAt}, error_code = coalesce(${errorCode}, error_code)
    where workspace_id = ${workspaceId} and id = ${id}`.execute(trx);
}

export interface Progress {
  resumeLine: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

export async function advance(trx: Trx, workspaceId: string, id: string, p: Progress): Promise<void> {
  await sql`update imports set resume_line = ${p.resumeLine}, processed = processed + ${p.processed}, created = created + ${p.created},
    updated = updated + ${p.updated}, skipped = skipped + ${p.skipped}, rejected = rejected + ${p.rejected}
    where workspace_id = ${workspaceId} and id = ${id}`.execute(trx);
}

export async function insertChunk(trx: Trx, workspaceId: string, importId: string, kind: number, seq: number, data: Buffer): Promise<void> {
  await sql`insert into import_chunks (workspace_id, import_id, kind, seq, data) values (${workspaceId}, ${importId}, ${kind}, ${seq}, ${data})`.execute(trx);
}

/** The next chunk of a kind after `afterSeq` (one at a time: an upload can be large). */
export async function chunkAfter(trx: Trx, workspaceId: string, importId: string, kind: number, afterSeq: number): Promise<{ seq: number; data: Buffer } | null> {
  const r = await sql<{ seq: number; data: Buffer }>`select seq, data from import_chunks
    where workspace_id = ${workspaceId} and import_id = ${importId} and kind = ${kind} and seq > ${afterSeq} order by seq limit 1`.execute(trx);
  return r.rows[0] ?? null;
}

export async function deleteChunks(trx: Trx, workspaceId: string, importId: string, kind: number): Promise<void> {
  await sql`delete from import_chunks where workspace_id = ${workspaceId} and import_id = ${importId} and kind = ${kind}`.execute(trx);
}

/**
 * Records processed by the workspace's other imports. It grows with every
 * batch any of them commits, so a change since a run loaded its duplicate
 * set says that set may be missing their contacts (land.ts).
 */
export async function landedByOthers(trx: Trx, workspaceId: string, id: string): Promise<number> {
  const r = await sql<{ n: string }>`select coalesce(sum(processed), 0)::bigint as n from imports where workspace_id = ${workspaceId} and id <> ${id}`.execute(trx);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Serializes, per workspace, the part of an import batch during which its
 * duplicate matching must hold: two imports never both add one person.
 */
export async function lockLanding(trx: Trx, workspaceId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`confidant.imports.land:${workspaceId}`}, 0))`.execute(trx);
}

/** Bytes of an upload's sealed chunks (a little over the file's size). */
export async function uploadBytes(trx: Trx, workspaceId: string, importId: string): Promise<number> {
  const r = await sql<{ n: number }>`select coalesce(sum(length(data)), 0)::bigint as n from import_chunks
    where workspace_id = ${workspaceId} and import_id = ${importId} and kind = ${UPLOAD}`.execute(trx);
  return Number(r.rows[0]?.n ?? 0);
}
