/**
 * Contact exports (docs/exports.md): every contact the caller may see, or a
 * segment's, written in batches into a file that exists only as sealed chunks
 * under the workspace key; audited with the ids it holds, and told at once to
 * every owner and the DPO.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAudit } from '../../platform/audit/index.js';
import { openWithKey, sealWithKey, type DataKey, type SealTarget } from '../../platform/crypto/index.js';
import { csvRow, type CsvValue } from '../../platform/csv.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { listContacts, ownerScope, segmentScope, type ContactView, type ListScope } from '../contacts/index.js';
import { actorLabels } from '../identity/index.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { notifyMembers } from '../reads/index.js';

export interface ContactExportsTable {
  workspace_id: string;
  id: string;
  format: ExportFormat;
  segment_id: string | null;
  actor_type: 'user' | 'token';
  actor_id: string;
  row_count: number;
  chunk_count: number;
  created_at: Date;
  expires_at: Date;
}

export interface ContactExportChunksTable {
  workspace_id: string;
  export_id: string;
  seq: number;
  body: Buffer;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    contact_exports: ContactExportsTable;
    contact_export_chunks: ContactExportChunksTable;
  }
}

export type ExportFormat = 'csv' | 'json';

/** An export downloads for this long after it was made. */
export const EXPORT_TTL_MS = 24 * 3_600_000;
/** Contacts read (and decrypted) per batch. */
export const EXPORT_BATCH = 200;
/** Plaintext gathered before it is sealed as one chunk. */
export const CHUNK_BYTES = 256 * 1024;
/** Ids per audit event: an export of more people is several events, all naming the export. */
export const AUDIT_IDS_PER_EVENT = 50_000;
export const EXPORTED_KIND = 'contacts_exported';

export const CSV_HEADER = [
  'id', 'firstName', 'lastName', 'emails', 'phones', 'jobTitle', 'seniority', 'companyId', 'ownerId',
  'street', 'postalCode', 'addressCity', 'region', 'addressCountry', 'bio', 'website', 'linkedinUrl',
  'country', 'city', 'ip', 'tags', 'customFields', 'lawfulBasis', 'source', 'createdAt', 'updatedAt',
] as const;

function csvValues(c: ContactView): CsvValue[] {
  const a = c.address;
  return [
    c.id, c.firstName, c.lastName, c.emails.map((e) => e.address).join('; '), c.phones.map((p) => p.number).join('; '),
    c.jobTitle, c.seniority, c.companyId, c.ownerId,
    a?.street, a?.postalCode, a?.city, a?.region, a?.country, c.bio, c.website, c.linkedinUrl,
    c.country, c.city, c.ip, c.tags.join('; '), Object.keys(c.customFields).length > 0 ? JSON.stringify(c.customFields) : '',
    c.lawfulBasis, c.source, c.createdAt, c.updatedAt,
  ];
}

/** Where chunk `seq` of an export belongs: its place is bound into the ciphertext. */
export function chunkTarget(workspaceId: string, exportId: string, seq: number): SealTarget {
  return { workspaceId, subjectId: null, table: 'contact_export_chunks', rowId: exportId, column: `chunk:${seq}`, recordVersion: 0 };
}

/** Gathers text and seals it chunk by chunk, so only one chunk of plaintext is ever in memory. */
class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  seq = 0;

  constructor(private readonly trx: Trx, private readonly key: DataKey, private readonly workspaceId: string, private readonly exportId: string) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const body = sealWithKey(this.key, chunkTarget(this.workspaceId, this.exportId, this.seq), this.parts.join(''));
    this.parts = [];
    this.size = 0;
    await sql`insert into contact_export_chunks (workspace_id, export_id, seq, body)
      values (${this.workspaceId}, ${this.exportId}, ${this.seq}, ${body})`.execute(this.trx);
    this.seq += 1;
  }
}

export interface ExportRequest {
  format: ExportFormat;
  segmentId?: string | undefined;
}

export interface ExportCreated {
  id: string;
  url: string;
  records: number;
  format: ExportFormat;
  createdAt: string;
  expiresAt: string;
}

export const exportUrl = (id: string): string => `/api/v1/exports/${id}/file`;

/** Who exported, in words owners recognise: the member's email or the token's name. Only for the sealed mail. */
async function actorLabel(ctx: AppContext, trx: Trx, auth: AuthState): Promise<string> {
  const { member, token } = await actorLabels(ctx, trx, auth);
  return token === null ? (member ?? 'A member') : `The API token "${token}"`;
}

/**
 * Builds the export inside the request's workspace transaction: the file, its
 * audit events and the owners' alert exist together or not at all.
 */
export async function createExport(ctx: AppContext, trx: Trx, auth: AuthState, input: ExportRequest, requestId: string): Promise<ExportCreated> {
  const ws = auth.workspaceId;
  const actor = auditActor(auth);
  if (!actor.id || actor.type === 'operator') throw new AppError(403, 'forbidden', 'Forbidden', 'Exports are made by a member or a token.');
  const scope: ListScope | undefined = input.segmentId === undefined ? undefined : await segmentScope(ctx, trx, ws, input.segmentId);
  const ownerOnly = await ownerScope(trx, auth);
  const id = randomUUID();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
  await sql`insert into contact_exports (workspace_id, id, format, segment_id, actor_type, actor_id, row_count, chunk_count, created_at, expires_at)
    values (${ws}, ${id}, ${input.format}, ${input.segmentId ?? null}, ${actor.type}, ${actor.id}, 0, 0, ${now}, ${expiresAt})`.execute(trx);

  const writer = new ChunkWriter(trx, await ctx.vault.dataKey(trx, ws, null), ws, id);
  let records = 0;
  let part = 0;
  let ids: string[] = [];
  const auditIds = async (final: boolean): Promise<void> => {
    if (ids.length === 0 && !(final && part === 0)) return;
    await recordAudit(trx, {
      action: 'contact.exported', actor, subjectIds: ids, purpose: 'crm.export', requestId,
      details: { exportId: auditId(id), format: auditCode(input.format), part, records: ids.length, ...(input.segmentId ? { segmentId: auditId(input.segmentId) } : {}) },
    });
    part += 1;
    ids = [];
  };

  await writer.write(input.format === 'csv' ? csvRow(CSV_HEADER) : '[');
  let cursor: string | undefined;
  do {
    const page = await listContacts(ctx, trx, ws, { limit: EXPORT_BATCH, ownerOnly, ...(scope ? { scope } : {}), ...(cursor ? { cursor } : {}) });
    for (const c of page.items) {
      await writer.write(input.format === 'csv' ? csvRow(csvValues(c)) : `${records === 0 ? '\n' : ',\n'}${JSON.stringify(c)}`);
      records += 1;
      ids.push(c.id);
      if (ids.length >= AUDIT_IDS_PER_EVENT) await auditIds(false);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (input.format === 'json') await writer.write(records === 0 ? ']\n' : '\n]\n');
  await writer.flush();
  await auditIds(true);
  await sql`update contact_exports set row_count = ${records}, chunk_count = ${writer.seq} where id = ${id}`.execute(trx);

  const label = await actorLabel(ctx, trx, auth);
  await notifyMembers(trx, ctx, {
    roles: ['owner', 'dpo'],
    kind: EXPORTED_KIND,
    payload: { actorType: actor.type, actorId: actor.id, exportId: id, records, format: input.format },
    mail: {
      subject: 'Confidant: contacts were exported',
      text:
        `${label} exported ${records} contact${records === 1 ? '' : 's'} (${input.format.toUpperCase()}) at ${now.toISOString()}.\n\n` +
        `The export downloads until ${expiresAt.toISOString()}, only with the export permission, and every download is audited. ` +
        `The audit trail lists the ids of the people it holds (action contact.exported, export ${id}).\n\n` +
        'If this was not expected, revoke the access (sign the member out, change their role, or revoke the token).\n',
    },
  });
  return { id, url: exportUrl(id), records, format: input.format, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() };
}

export interface ExportRow {
  id: string;
  format: ExportFormat;
  rowCount: number;
  chunkCount: number;
  createdAt: Date;
  expiresAt: Date;
}

export const exportExpired = (): AppError =>
  new AppError(410, 'export-expired', 'Gone', 'This export has expired (exports download for 24 hours). Make a new one.');

/** The export for a download: 404 unknown here, 410 past its 24 hours. */
export async function exportForDownload(trx: Trx, id: string, now: Date): Promise<ExportRow> {
  const r = await sql<{ id: string; format: ExportFormat; row_count: number; chunk_count: number; created_at: Date; expires_at: Date }>`
    select id, format, row_count, chunk_count, created_at, expires_at from contact_exports where id = ${id}`.execute(trx);
  const row = r.rows[0];
  if (!row) throw notFound('No such export.');
  if (row.expires_at.getTime() <= now.getTime()) throw exportExpired();
  return { id: row.id, format: row.format, rowCount: row.row_count, chunkCount: row.chunk_count, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** The file, chunk by chunk, each opened in a short transaction of its own: memory stays one chunk. */
export async function* exportChunks(ctx: AppContext, workspaceId: string, exp: ExportRow): AsyncGenerator<Buffer> {
  for (let seq = 0; seq < exp.chunkCount; seq++) {
    yield await ctx.db.withWorkspace(workspaceId, async (trx) => {
      const r = await sql<{ body: Buffer }>`select body from contact_export_chunks where export_id = ${exp.id} and seq = ${seq}`.execute(trx);
      const body = r.rows[0]?.body;
      // Purged between the check and this chunk: the download stops short rather than hand out a partial file as whole.
      if (!body) throw exportExpired();
      return openWithKey(await ctx.vault.dataKey(trx, workspaceId, null), chunkTarget(workspaceId, exp.id, seq), Buffer.from(body));
    });
  }
}

/**
 * Deletes every expired export and its file, in every workspace (an hourly
 * job). The database compares expiry with the earlier of `now` and its own
 * clock (migration 0025): no caller can expire an export early.
 */
export async function purgeExpiredExports(ctx: Pick<AppContext, 'db'>, now: Date): Promise<number> {
  const r = await ctx.db.withSystem((trx) => sql<{ n: number | string }>`select confidant_export_purge(${now}) as n`.execute(trx));
  return Number(r.rows[0]?.n ?? 0);
}
