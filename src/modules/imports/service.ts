/**
 * Contact imports (docs/imports.md). An upload is stored sealed, then a run
 * reads it back, parses it and lands its rows in batches: each batch is one
 * transaction (contacts, companies, the error file's chunk, the audit events,
 * the import's progress), so a crash leaves no half-written contact and a new
 * run starts again at the first record not committed (resume_line). Every
 * row is validated like POST /contacts; a rejected row goes to the error file
 * as line, column and reason code, never its value.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AppContext } from '../../app.js';
import { auditCode, auditId, recordAuditMany, type AuditEventInput } from '../../platform/audit/index.js';
import { csvRow } from '../../platform/csv.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed, type FieldError } from '../../platform/errors.js';
import { enqueue } from '../../platform/jobs/index.js';
import { createCompanies, findCompaniesByName } from '../companies/service.js';
import { canSee, createContacts, defaultCountry, findDuplicate, findDuplicates, getContactRows, updateContact, type ContactInput, type OwnerScope } from '../contacts/index.js';
import { recordOf } from '../contacts/prepare.js';
import { ContactInputSchema, type ParsedContactInput } from '../contacts/schemas.js';
import { CsvFormatError, CsvReader, type CsvRecord } from './csv-reader.js';
import {
  advance, deleteChunks, deleteImport, ERRORS, importRow, insertImport, queueImport, setStatus, UPLOAD,
  type ImportRow, type Progress,
} from './queries.js';
import { IMPORT_FIELDS, ImportOptionsSchema, type ImportField, type ImportOptions, type ImportStatusView, type Mapping } from './schemas.js';
import { readChunks, sealChunk, storeUpload } from './store.js';

type Ctx = Pick<AppContext, 'db' | 'vault' | 'now'>;
export const IMPORT_JOB = 'contacts.import';
/** Records per batch (one transaction each). */
export const IMPORT_BATCH = 200;

export interface ImportActor {
  type: 'user' | 'token' | 'operator';
  id: string | null;
}

/** The options as stored: with the importer's record visibility (a sales member limited to their own contacts). */
type StoredOptions = ImportOptions & { ownerOnly?: string | null };

const OPTIONS_TARGET = (workspaceId: string, id: string) => ({ workspaceId, subjectId: null, table: 'imports', rowId: id, column: 'options', recordVersion: 1 });

/**
 * Stores an upload sealed and queues its import. `options` is read after the
 * file (a multipart form may send its fields after the file); a bad option
 * removes what was stored and throws the 422.
 */
export async function createImport(
  ctx: Ctx, workspaceId: string, actor: ImportActor, file: Readable | AsyncIterable<Buffer>, options: () => unknown, scope: OwnerScope = undefined,
): Promise<string> {
  const id = randomUUID();
  await ctx.db.withWorkspace(workspaceId, (trx) => insertImport(trx, { workspaceId, id, actorType: actor.type, actorId: actor.id, now: ctx.now() }));
  try {
    await storeUpload(ctx.db, ctx.vault, workspaceId, id, file);
    const parsed = ImportOptionsSchema.safeParse(options());
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    await ctx.db.withWorkspace(workspaceId, async (trx) => {
      const stored: StoredOptions = { ...parsed.data, ...(scope !== undefined ? { ownerOnly: scope } : {}) };
      const sealed = await ctx.vault.sealJson(trx, OPTIONS_TARGET(workspaceId, id), stored);
      await queueImport(trx, workspaceId, id, sealed, parsed.data.duplicates);
      await enqueue(trx, { kind: IMPORT_JOB, payload: { importId: id }, workspaceId });
    });
    return id;
  } catch (err) {
    await ctx.db.withWorkspace(workspaceId, (trx) => deleteImport(trx, workspaceId, id));
    throw err;
  }
}

export function statusView(row: ImportRow): ImportStatusView {
  return {
    id: row.id,
    status: row.status === 'uploading' ? 'queued' : row.status,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    rejected: row.rejected,
    errorsUrl: `/api/v1/imports/${row.id}/errors`,
    error: row.error_code,
  };
}

export async function importStatus(ctx: Pick<AppContext, 'db'>, workspaceId: string, id: string): Promise<ImportStatusView | null> {
  const row = await ctx.db.withWorkspace(workspaceId, (trx) => importRow(trx, workspaceId, id));
  return row ? statusView(row) : null;
}

/** The error file: header, then each rejected row (line, column, reason), in line order. */
export async function* errorFile(ctx: Pick<AppContext, 'db' | 'vault'>, workspaceId: string, id: string): AsyncGenerator<Buffer> {
  yield Buffer.from(csvRow(['line', 'column', 'reason']));
  yield* readChunks(ctx.db, ctx.vault, workspaceId, id, ERRORS);
}

/* ---------------------------------------------------------------- rows */

interface Rejection {
  line: number;
  column: string;
  reason: string;
}

/** Which field each column index feeds (explicit mapping, else headers named like the fields, case-insensitive). */
export function columnFields(header: readonly string[], mapping: Mapping | undefined): Array<ImportField | null> {
  const byLower = new Map<string, ImportField>(IMPORT_FIELDS.map((f) => [f.toLowerCase(), f]));
  return header.map((h) => {
    const name = h.trim();
    if (mapping) return mapping[name] ?? null;
    return byLower.get(name.toLowerCase()) ?? null;
  });
}

interface RowInput {
  values: Partial<Record<ImportField, string>>;
  /** The header of the column each field came from (the error file names it). */
  columnOf: (f: ImportField) => string;
}

function rowInput(rec: CsvRecord, header: readonly string[], fields: ReadonlyArray<ImportField | null>): RowInput {
  const values: Partial<Record<ImportField, string>> = {};
  const cols: Partial<Record<ImportField, string>> = {};
  fields.forEach((f, i) => {
    if (!f) return;
    const v = (rec.fields[i] ?? '').trim();
    cols[f] ??= header[i]!.trim();
    if (v !== '' && values[f] === undefined) values[f] = v;
  });
  return { values, columnOf: (f) => cols[f] ?? f };
}

function contactInput(v: RowInput['values'], options: ImportOptions): ContactInput {
  return {
    firstName: v.firstName ?? '',
    lastName: v.lastName ?? '',
    emails: v.email !== undefined ? [{ address: v.email }] : [],
    ...(v.phone !== undefined ? { phones: [{ number: v.phone }] } : {}),
    ...(v.jobTitle !== undefined ? { jobTitle: v.jobTitle } : {}),
    ...(v.city !== undefined ? { city: v.city } : {}),
    ...(v.country !== undefined ? { country: v.country } : {}),
    lawfulBasis: (v.lawfulBasis ?? options.lawfulBasis) as ContactInput['lawfulBasis'],
    source: v.source ?? options.source,
  };
}

/** An input path (zod or prepare) → the import field it came from. */
function fieldOfPath(path: string): ImportField {
  const head = path.split('.')[0] ?? '';
  if (head === 'emails') return 'email';
  if (head === 'phones') return 'phone';
  return (IMPORT_FIELDS as readonly string[]).includes(head) ? (head as ImportField) : 'lastName';
}

function reasonOfIssue(field: ImportField, code: string): string {
  if (field === 'lawfulBasis') return 'unknown_lawful_basis';
  if (code === 'too_big') return 'too_long';
  if (code === 'too_small') return 'required';
  return 'invalid_value';
}

function reasonOfPrepare(e: FieldError): string {
  const field = fieldOfPath(e.path);
  if (field === 'email') return 'invalid_email';
  if (field === 'phone') return 'invalid_phone';
  return 'name_or_email_required';
}

type Checked = { ok: true; input: ParsedContactInput; normalized: { emails: Array<{ address: string }>; phones: Array<{ number: string }> } } | { ok: false; field: ImportField; reason: string };

/** The same checks as POST /contacts (schema, then normalization); the database checks come with the create. */
function checkRow(input: ContactInput, country: string | null): Checked {
  const parsed = ContactInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldOfPath(issue.path.join('.'));
    return { ok: false, field, reason: reasonOfIssue(field, issue.code) };
  }
  const errors: FieldError[] = [];
  const record = recordOf(parsed.data, country, errors);
  if (errors.length > 0) return { ok: false, field: fieldOfPath(errors[0]!.path), reason: reasonOfPrepare(errors[0]!) };
  return { ok: true, input: parsed.data, normalized: { emails: record.emails, phones: record.phones } };
}

/* ---------------------------------------------------------------- batches */

interface BatchResult extends Progress {
  createdIds: string[];
  updatedIds: string[];
}

async function companyIdFor(ctx: Ctx, trx: Trx, ws: string, actor: ImportActor, name: string, cache: Map<string, string>): Promise<string> {
  const key = name.normalize('NFC').toLowerCase();
  const cached = cache.get(key);
  if (cached) return cached;
  const [found] = await findCompaniesByName(trx, ctx.vault, ws, name);
  const id = found ? found.id : (await createCompanies(trx, ctx.vault, { workspaceId: ws, now: ctx.now(), actor }, [{ name }]))[0]!.id;
  cache.set(key, id);
  return id;
}

/**
 * Lands one row whose duplicate is known: skipped, the existing contact
 * updated, or — when `existing` is null — created on its own. (Batches create
 * their new contacts together; this path serves updates and the rare row
 * that shares an address with a row before it in the same batch.)
 */
async function landRow(
  ctx: Ctx, trx: Trx, ws: string, imp: ImportRow, options: StoredOptions, row: RowInput, checked: Extract<Checked, { ok: true }>,
  companies: Map<string, string>, out: BatchResult, existing: string | null,
): Promise<void> {
  const actor: ImportActor = { type: imp.actor_type as ImportActor['type'], id: imp.actor_id };
  const createdBy = actor.type === 'user' ? actor.id : null;
  const company = row.values.company;
  if (existing && imp.duplicates === 'skip') {
    out.skipped += 1;
    return;
  }
  const companyId = company !== undefined ? await companyIdFor(ctx, trx, ws, actor, company, companies) : undefined;
  if (existing) {
    const [current] = await getContactRows(ctx, trx, ws, [existing]);
    // A member limited to their own contacts never changes another's: the row is skipped, as POST /contacts refuses it.
    if (!canSee(options.ownerOnly, current!.row.owner_id)) {
      out.skipped += 1;
      return;
    }
    const v = row.values;
    const union = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] => {
      const seen = new Set(a.map(key));
      return [...a, ...b.filter((x) => !seen.has(key(x)))];
    };
    const patch = {
      ...(v.firstName !== undefined ? { firstName: checked.input.firstName } : {}),
      ...(v.lastName !== undefined ? { lastName: checked.input.lastName } : {}),
      ...(v.jobTitle !== undefined ? { jobTitle: checked.input.jobTitle ?? null } : {}),
      ...(v.city !== undefined ? { city: checked.input.city ?? null } : {}),
      ...(v.country !== undefined ? { country: checked.input.country ?? null } : {}),
      ...(companyId !== undefined ? { companyId } : {}),
      emails: union(current!.record.emails, checked.normalized.emails.map((e) => ({ address: e.address, primary: false })), (e) => e.address),
      phones: union(current!.record.phones, checked.normalized.phones, (p) => p.number),
    };
    await updateContact(ctx, trx, ws, current!.row, patch);
    out.updated += 1;
    out.updatedIds.push(existing);
    return;
  }
  const [created] = await createContacts(ctx, trx, ws, [{ ...checked.input, ...(companyId !== undefined ? { companyId } : {}) }], { createdBy });
  out.created += 1;
  out.createdIds.push(created!.id);
}

/** The keys a row's duplicate is matched on. */
const dupKeys = (c: Extract<Checked, { ok: true }>): string[] => [
  ...c.normalized.emails.map((e) => `e:${e.address}`),
  ...c.normalized.phones.map((p) => `p:${p.number}`),
];

/**
 * Lands a batch's valid rows in order with a handful of queries, not a few
 * per row: duplicates are looked up for the whole batch at once
 * (`findDuplicates`), and the new contacts are created together. A row that
 * shares an email or phone with a row before it in the batch (created or
 * updated) first lands what is pending, then takes the row-by-row path, so
 * it sees that row exactly as a sequential import would.
 */
async function landValid(
  ctx: Ctx, trx: Trx, ws: string, imp: ImportRow, options: StoredOptions,
  valid: ReadonlyArray<{ row: RowInput; checked: Extract<Checked, { ok: true }> }>, companies: Map<string, string>, out: BatchResult,
): Promise<void> {
  const actor: ImportActor = { type: imp.actor_type as ImportActor['type'], id: imp.actor_id };
  const createdBy = actor.type === 'user' ? actor.id : null;
  const matching = imp.duplicates !== 'create';
  const known = matching ? await findDuplicates(ctx, trx, ws, valid.map((v) => v.checked.normalized)) : valid.map(() => null);
  let pending: Array<{ row: RowInput; checked: Extract<Checked, { ok: true }> }> = [];
  const seen = new Set<string>();
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const inputs: ParsedContactInput[] = [];
    for (const p of pending) {
      const company = p.row.values.company;
      const companyId = company !== undefined ? await companyIdFor(ctx, trx, ws, actor, company, companies) : undefined;
      inputs.push({ ...p.checked.input, ...(companyId !== undefined ? { companyId } : {}) });
    }
    for (const c of await createContacts(ctx, trx, ws, inputs, { createdBy })) {
      out.created += 1;
      out.createdIds.push(c.id);
    }
    pending = [];
  };
  for (const [i, v] of valid.entries()) {
    const keys = matching ? dupKeys(v.checked) : [];
    if (keys.some((k) => seen.has(k))) {
      await flush();
      const existing = await findDuplicate(ctx, trx, ws, v.checked.normalized.emails, v.checked.normalized.phones);
      await landRow(ctx, trx, ws, imp, options, v.row, v.checked, companies, out, existing);
    } else if (known[i]) {
      await landRow(ctx, trx, ws, imp, options, v.row, v.checked, companies, out, known[i]);
    } else {
      pending.push(v);
    }
    for (const k of keys) seen.add(k);
  }
  await flush();
}

async function runBatch(
  ctx: Ctx, ws: string, importId: string, expectedLine: number, records: readonly CsvRecord[], header: readonly string[],
  fields: ReadonlyArray<ImportField | null>, options: StoredOptions, nextLine: number, knownCompanies: Map<string, string>,
): Promise<'committed' | 'superseded'> {
  // Company ids resolved by earlier batches of this run are committed; this batch's join them once it commits.
  const companies = new Map(knownCompanies);
  const outcome = await ctx.db.withWorkspace(ws, async (trx): Promise<'committed' | 'superseded'> => {
    const imp = await importRow(trx, ws, importId, true);
    // Another run (a job taken over after a lease ran out, the CLI beside a worker) got here first.
    if (!imp || imp.status !== 'running' || Number(imp.resume_line) !== expectedLine) return 'superseded';
    const country = await defaultCountry(trx, ws);
    const out: BatchResult = { resumeLine: nextLine, processed: 0, created: 0, updated: 0, skipped: 0, rejected: 0, createdIds: [], updatedIds: [] };
    const rejections: Rejection[] = [];
    const valid: Array<{ row: RowInput; checked: Extract<Checked, { ok: true }> }> = [];
    for (const rec of records) {
      out.processed += 1;
      const row = rowInput(rec, header, fields);
      const checked = checkRow(contactInput(row.values, options), country);
      if (!checked.ok) {
        rejections.push({ line: rec.line, column: row.columnOf(checked.field), reason: checked.reason });
        continue;
      }
      if (row.values.company !== undefined && row.values.company.length > 200) {
        rejections.push({ line: rec.line, column: row.columnOf('company'), reason: 'too_long' });
        continue;
      }
      valid.push({ row, checked });
    }
    await landValid(ctx, trx, ws, imp, options, valid, companies, out);
    out.rejected = rejections.length;
    if (rejections.length > 0) {
      await sealChunk(trx, ctx.vault, ws, importId, ERRORS, records[0]!.line, rejections.map((r) => csvRow([r.line, r.column, r.reason])).join(''));
    }
    const actor = { type: imp.actor_type as ImportActor['type'], id: imp.actor_id };
    const events: AuditEventInput[] = [];
    const details = { importId: auditId(importId) };
    if (out.createdIds.length > 0) events.push({ action: 'contact.created', actor, subjectIds: out.createdIds, details });
    if (out.updatedIds.length > 0) events.push({ action: 'contact.updated', actor, subjectIds: out.updatedIds, details });
    await recordAuditMany(trx, events);
    await advance(trx, ws, importId, out);
    return 'committed';
  });
  if (outcome === 'committed') for (const [k, v] of companies) knownCompanies.set(k, v);
  return outcome;
}

export interface RunOptions {
  batchSize?: number;
  /** Called after each committed batch with the import's counters. */
  onBatch?: (status: ImportStatusView, firstLine: number) => void | Promise<void>;
}

/** Why a run ended: the import finished (done or failed), or another run holds it. */
export type RunOutcome = 'done' | 'failed' | 'superseded';

class ImportFailed extends Error {
  constructor(readonly code: string) {
    super(`import failed: ${code}`);
  }
}

export async function finish(ctx: Ctx, ws: string, importId: string, status: 'done' | 'failed', code: string | null): Promise<void> {
  await ctx.db.withWorkspace(ws, async (trx) => {
    const imp = await importRow(trx, ws, importId, true);
    if (!imp || imp.status === 'done' || imp.status === 'failed') return;
    await setStatus(trx, ws, importId, status, ctx.now(), code);
    // The upload is personal data: it goes as soon as the import ends.
    await deleteChunks(trx, ws, importId, UPLOAD);
    await recordAuditMany(trx, [{
      action: status === 'done' ? 'import.completed' : 'import.failed',
      actor: { type: imp.actor_type as ImportActor['type'], id: imp.actor_id },
      details: { importId: auditId(importId), ...(code ? { reason: auditCode(code) } : {}) },
    }]);
  });
}

/**
 * Runs (or resumes) an import to its end. Repeating a run is harmless: each
 * batch checks, under the import row's lock, that it starts where the last
 * committed one ended.
 */
export async function runImport(ctx: Ctx, ws: string, importId: string, opts: RunOptions = {}): Promise<RunOutcome> {
  const batchSize = opts.batchSize ?? IMPORT_BATCH;
  const start = await ctx.db.withWorkspace(ws, async (trx) => {
    const imp = await importRow(trx, ws, importId, true);
    if (!imp || imp.status === 'done' || imp.status === 'failed' || imp.status === 'uploading' || !imp.options) return null;
    if (imp.status === 'queued') await setStatus(trx, ws, importId, 'running', null);
    const options = await ctx.vault.openJson<StoredOptions>(trx, OPTIONS_TARGET(ws, importId), imp.options);
    return { resumeLine: Number(imp.resume_line), options };
  });
  if (!start) {
    const row = await ctx.db.withWorkspace(ws, (trx) => importRow(trx, ws, importId));
    return row?.status === 'failed' ? 'failed' : row?.status === 'done' ? 'done' : 'superseded';
  }
  const { options } = start;
  let expected = start.resumeLine;
  let header: string[] | null = null;
  let fields: Array<ImportField | null> = [];
  let batch: CsvRecord[] = [];
  /** Company name (folded) → id, for this run: a file names the same companies again and again. */
  const companies = new Map<string, string>();

  const flush = async (nextLine: number): Promise<boolean> => {
    if (batch.length === 0) return true;
    const first = batch[0]!.line;
    const outcome = await runBatch(ctx, ws, importId, expected, batch, header!, fields, options, nextLine, companies);
    batch = [];
    if (outcome === 'superseded') return false;
    expected = nextLine;
    if (opts.onBatch) {
      const status = await importStatus(ctx, ws, importId);
      if (status) await opts.onBatch(status, first);
    }
    // On PGlite the single connection is serialized: let waiting requests through between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return true;
  };

  const take = async (records: CsvRecord[]): Promise<boolean> => {
    for (const rec of records) {
      if (header === null) {
        header = rec.fields;
        fields = columnFields(header, options.mapping);
        if (!fields.some((f) => f !== null)) throw new ImportFailed('no_known_columns');
        continue;
      }
      if (rec.line < expected) continue; // committed by an earlier run
      if (batch.length >= batchSize && !(await flush(rec.line))) return false;
      batch.push(rec);
    }
    return true;
  };

  try {
    const reader = new CsvReader();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of readChunks(ctx.db, ctx.vault, ws, importId, UPLOAD)) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new ImportFailed('invalid_encoding');
      }
      if (!(await take(reader.push(text)))) return 'superseded';
    }
    let tail: CsvRecord[];
    try {
      tail = [...reader.push(decoder.decode()), ...reader.end()];
    } catch (err) {
      if (err instanceof CsvFormatError) throw new ImportFailed(err.reason);
      throw new ImportFailed('invalid_encoding');
    }
    if (!(await take(tail))) return 'superseded';
    if (header === null) throw new ImportFailed('empty_file');
    const last = batch[batch.length - 1];
    if (!(await flush(last ? last.line + 1 : expected))) return 'superseded';
  } catch (err) {
    if (err instanceof ImportFailed) {
      await finish(ctx, ws, importId, 'failed', err.code);
      return 'failed';
    }
    if (err instanceof CsvFormatError) {
      await finish(ctx, ws, importId, 'failed', err.reason);
      return 'failed';
    }
    throw err;
  }
  await finish(ctx, ws, importId, 'done', null);
  return 'done';
}
