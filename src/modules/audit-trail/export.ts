import { auditCode, auditId, listAuditEvents, MAX_LIST_LIMIT, recordAudit, type AuditDetails, type AuditEventView } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { toCsv, type CsvValue } from '../../platform/csv.js';
import type { AuditFilters } from './schemas.js';
import { toListFilters } from './schemas.js';

/**
 * Past this the export asks for narrower filters instead of holding a
 * transaction open for minutes; the CLI and the database are the tools for
 * a workspace's whole history.
 */
export const MAX_EXPORT_ROWS = 100_000;

export const AUDIT_CSV_HEADER = [
  'seq',
  'at',
  'action',
  'actorType',
  'actorId',
  'subjectIds',
  'purpose',
  'details',
  'requestId',
  'hash',
  'prevHash',
] as const;

function toRow(e: AuditEventView): CsvValue[] {
  return [
    e.seq,
    e.at,
    e.action,
    e.actorType,
    e.actorId,
    e.subjectIds.join(' '),
    e.purpose,
    Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : '',
    e.requestId,
    e.hash,
    e.prevHash,
  ];
}

/** What the `audit.exported` event says about the export: the filters (ids, codes, instants) and the size. */
function exportDetails(filters: AuditFilters, rows: number): AuditDetails {
  return {
    rows,
    ...(filters.actorId !== undefined ? { actorId: auditId(filters.actorId) } : {}),
    ...(filters.subjectId !== undefined ? { subjectId: auditId(filters.subjectId) } : {}),
    ...(filters.action !== undefined ? { action: auditCode(filters.action) } : {}),
    ...(filters.from !== undefined ? { fromMs: Date.parse(filters.from) } : {}),
    ...(filters.to !== undefined ? { toMs: Date.parse(filters.to) } : {}),
  };
}

export interface ExportRequest {
  filters: AuditFilters;
  actor: { type: 'user' | 'token' | 'operator'; id: string | null };
  requestId: string;
}

/**
 * Reads every matching event, newest first, and records `audit.exported` in
 * the same workspace transaction: the export and its audit commit together.
 */
export async function exportAuditCsv(trx: Trx, req: ExportRequest): Promise<{ csv: string; rows: number }> {
  const events: AuditEventView[] = [];
  let cursor: string | null = null;
  do {
    const page = await listAuditEvents(trx, { ...toListFilters(req.filters), cursor, limit: MAX_LIST_LIMIT });
    events.push(...page.items);
    if (events.length > MAX_EXPORT_ROWS) {
      throw new AppError(422, 'export-too-large', 'Export too large', `More than ${MAX_EXPORT_ROWS} events match; narrow the time range or filters.`);
    }
    cursor = page.nextCursor;
  } while (cursor);
  await recordAudit(trx, {
    action: 'audit.exported',
    actor: req.actor,
    purpose: 'audit.export',
    details: exportDetails(req.filters, events.length),
    requestId: req.requestId,
  });
  return { csv: toCsv(AUDIT_CSV_HEADER, events.map(toRow)), rows: events.length };
}
