/**
 * A CSV record → a contact input, checked exactly like POST /contacts
 * (schema, then normalization). Pure: the import's worker threads run it.
 * A rejection names the column and a reason code, never the value.
 */
import type { FieldError } from '../../platform/errors.js';
import type { ContactInput } from '../contacts/index.js';
import { recordOf } from '../contacts/record-of.js';
import type { ContactRecord } from '../contacts/record.js';
import { ContactInputSchema, type ParsedContactInput } from '../contacts/schemas.js';
import type { CsvRecord } from './csv-reader.js';
import { IMPORT_FIELDS, type ImportField, type ImportOptions, type Mapping } from './schemas.js';

/** The longest company name a row may give (the companies module's own bound). */
const COMPANY_MAX = 200;

export interface Rejection {
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

export interface RowInput {
  values: Partial<Record<ImportField, string>>;
  /** The header of the column each field came from (the error file names it). */
  columnOf: (f: ImportField) => string;
}

export function rowInput(rec: CsvRecord, header: readonly string[], fields: ReadonlyArray<ImportField | null>): RowInput {
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

export function contactInput(v: RowInput['values'], options: Pick<ImportOptions, 'lawfulBasis' | 'source'>): ContactInput {
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

export type Checked =
  | { ok: true; input: ParsedContactInput; record: ContactRecord; company: string | null }
  | { ok: false; field: ImportField; reason: string };

/** The same checks as POST /contacts (schema, then normalization); the database checks come with the create. */
export function checkRow(row: RowInput, options: Pick<ImportOptions, 'lawfulBasis' | 'source'>, country: string | null): Checked {
  const parsed = ContactInputSchema.safeParse(contactInput(row.values, options));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldOfPath(issue.path.join('.'));
    return { ok: false, field, reason: reasonOfIssue(field, issue.code) };
  }
  const errors: FieldError[] = [];
  const record = recordOf(parsed.data, country, errors);
  if (errors.length > 0) return { ok: false, field: fieldOfPath(errors[0]!.path), reason: reasonOfPrepare(errors[0]!) };
  const company = row.values.company ?? null;
  if (company !== null && company.length > COMPANY_MAX) return { ok: false, field: 'company', reason: 'too_long' };
  return { ok: true, input: parsed.data, record, company };
}

export function rejectionOf(rec: CsvRecord, row: RowInput, failed: Extract<Checked, { ok: false }>): Rejection {
  return { line: rec.line, column: row.columnOf(failed.field), reason: failed.reason };
}
