import { sql } from 'kysely';
import { plainArray } from '../db/array-literal.js';
import type { Trx } from '../db/database.js';

/**
 * The SQL behind the vault: wrapped keys and the forget list (0002_keys.sql).
 * Every query filters by workspace as well as relying on row-level security, so
 * the primary-key indexes serve it.
 */

export interface WorkspaceKeysTable {
  workspace_id: string;
  version: number;
  wrapped: Buffer;
  created_at: Date;
}
export interface SubjectKeysTable {
  workspace_id: string;
  subject_id: string;
  ws_version: number;
  wrapped: Buffer;
}
export interface ForgottenSubjectsTable {
  workspace_id: string;
  subject_id: string;
  forgotten_at: Date;
}

declare module '../db/schema.js' {
  interface DB {
    workspace_keys: WorkspaceKeysTable;
    subject_keys: SubjectKeysTable;
    forgotten_subjects: ForgottenSubjectsTable;
  }
}

export interface SubjectKeyRow {
  subject_id: string;
  ws_version: number | null;
  wrapped: Buffer | null;
  forgotten: boolean;
}

const BATCH = 1000;


/**
 * The workspace's key versions, newest first. With `lockForWrite`, a FOR KEY SHARE
 * lock makes a rotation wait for this transaction before it re-indexes, so a
 * blind index written under the old version cannot slip past the re-index.
 */
export async function workspaceKeyVersions(trx: Trx, ws: string, lockForWrite: boolean): Promise<number[]> {
  const r = lockForWrite
    ? await sql<{ version: number }>`select version from workspace_keys where workspace_id = ${ws}
        order by version desc for key share`.execute(trx)
    : await sql<{ version: number }>`select version from workspace_keys where workspace_id = ${ws}
        order by version desc`.execute(trx);
  return r.rows.map((x) => x.version);
}

export async function wrappedWorkspaceKey(trx: Trx, ws: string, version: number): Promise<Buffer | null> {
  const r = await sql<{ wrapped: Buffer }>`select wrapped from workspace_keys
    where workspace_id = ${ws} and version = ${version}`.execute(trx);
  return r.rows[0]?.wrapped ?? null;
}

export async function insertWorkspaceKey(trx: Trx, ws: string, version: number, wrapped: Buffer): Promise<boolean> {
  const r = await sql`insert into workspace_keys (workspace_id, version, wrapped)
    values (${ws}, ${version}, ${wrapped}) on conflict do nothing`.execute(trx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export async function subjectKeyRows(trx: Trx, ws: string, subjectIds: readonly string[]): Promise<SubjectKeyRow[]> {
  const out: SubjectKeyRow[] = [];
  for (let i = 0; i < subjectIds.length; i += BATCH) {
    const ids = subjectIds.slice(i, i + BATCH);
    const r = await sql<SubjectKeyRow>`
      select s.id as subject_id, k.ws_version, k.wrapped, (f.subject_id is not null) as forgotten
      from unnest(${ids}::uuid[]) as s(id)
      left join subject_keys k on k.workspace_id = ${ws} and k.subject_id = s.id
      left join forgotten_subjects f on f.workspace_id = ${ws} and f.subject_id = s.id`.execute(trx);
    out.push(...r.rows);
  }
  return out;
}

export interface NewSubjectKey {
  subjectId: string;
  wsVersion: number;
  wrapped: Buffer;
}

export async function insertSubjectKeys(trx: Trx, ws: string, rows: readonly NewSubjectKey[]): Promise<void> {
  await insertSubjectKeysHex(trx, ws, rows.map((r) => ({ subjectId: r.subjectId, wsVersion: r.wsVersion, wrappedHex: r.wrapped.toString('hex') })));
}

/** Rows per statement: three array parameters, so the statement does not grow with the rows. */
const BULK = 10_000;

/** Hex text arrays travel the same way over pg and PGlite; bytea arrays do not. */
export async function insertSubjectKeysHex(trx: Trx, ws: string, rows: ReadonlyArray<{ subjectId: string; wsVersion: number; wrappedHex: string }>): Promise<void> {
  for (let i = 0; i < rows.length; i += BULK) {
    const part = rows.slice(i, i + BULK);
    await sql`insert into subject_keys (workspace_id, subject_id, ws_version, wrapped)
      select ${ws}::uuid, s, v, decode(w, 'hex')
      from unnest(${plainArray(part.map((r) => r.subjectId))}::uuid[], ${plainArray(part.map((r) => r.wsVersion))}::int[],
                  ${plainArray(part.map((r) => r.wrappedHex))}::text[]) as t(s, v, w)`.execute(trx);
  }
}

export async function forgottenAmong(trx: Trx, ws: string, subjectIds: readonly string[]): Promise<string[]> {
  if (subjectIds.length === 0) return [];
  const r = await sql<{ subject_id: string }>`select subject_id from forgotten_subjects
    where workspace_id = ${ws} and subject_id = any(${[...subjectIds]}::uuid[])`.execute(trx);
  return r.rows.map((x) => x.subject_id);
}

export async function shredRows(trx: Trx, ws: string, subjectId: string): Promise<void> {
  await sql`delete from subject_keys where workspace_id = ${ws} and subject_id = ${subjectId}`.execute(trx);
  await sql`insert into forgotten_subjects (workspace_id, subject_id) values (${ws}, ${subjectId})
    on conflict do nothing`.execute(trx);
}

export interface StaleSubjectKey {
  subject_id: string;
  ws_version: number;
  wrapped: Buffer;
}

/** Subject keys still wrapped under an older workspace key; SKIP LOCKED keeps two rotators apart. */
export async function staleSubjectKeys(trx: Trx, ws: string, version: number, limit: number): Promise<StaleSubjectKey[]> {
  const r = await sql<StaleSubjectKey>`select subject_id, ws_version, wrapped from subject_keys
    where workspace_id = ${ws} and ws_version < ${version}
    order by subject_id limit ${limit} for update skip locked`.execute(trx);
  return r.rows;
}

export async function updateSubjectKeys(trx: Trx, ws: string, rows: readonly NewSubjectKey[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`update subject_keys k set ws_version = t.v, wrapped = decode(t.w, 'hex')
    from unnest(${rows.map((r) => r.subjectId)}::uuid[], ${rows.map((r) => r.wsVersion)}::int[],
                ${rows.map((r) => r.wrapped.toString('hex'))}::text[]) as t(s, v, w)
    where k.workspace_id = ${ws} and k.subject_id = t.s`.execute(trx);
}

/** Waits for every writer holding a FOR KEY SHARE lock on the old versions. */
export async function lockOldWorkspaceKeys(trx: Trx, ws: string, version: number): Promise<number> {
  const r = await sql`select version from workspace_keys where workspace_id = ${ws} and version < ${version}
    for update`.execute(trx);
  return r.rows.length;
}

export async function deleteOldWorkspaceKeys(trx: Trx, ws: string, version: number): Promise<number> {
  const r = await sql`delete from workspace_keys where workspace_id = ${ws} and version < ${version}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export async function workspaceExists(trx: Trx, ws: string): Promise<boolean> {
  const r = await sql`select 1 from workspaces where id = ${ws}`.execute(trx);
  return r.rows.length === 1;
}

export async function allWorkspaceIds(trx: Trx): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from confidant_workspace_ids() as id`.execute(trx);
  return r.rows.map((x) => x.id);
}
