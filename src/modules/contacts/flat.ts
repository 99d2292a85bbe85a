/**
 * A contact given as flat text fields, one value each: a CSV row through its
 * column mapping, or a form's fields. Pure (the import's worker threads run
 * it): the values become a ContactInput for prepareBatch (make.ts), and a
 * draft that fails is told as the field it came from and a reason code,
 * never the value.
 */
import { prepareBatch, type ContactMaker, type Draft, type MakeContext, type MadeFailure, type SealedContact } from './make.js';
import type { ContactRecord } from './record.js';
import type { ContactInput, ParsedContactInput } from './schemas.js';

/** The fields a flat source can feed. */
export const FLAT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'company', 'city', 'country', 'lawfulBasis', 'source'] as const;
export type FlatField = (typeof FLAT_FIELDS)[number];
export type FlatValues = Partial<Record<FlatField, string>>;

/** What a flat source gives for fields it leaves out. */
export interface FlatDefaults {
  lawfulBasis: string;
  source: string;
}

/** A row's values by field: cells trimmed, the first non-empty cell of a field wins. */
export function flatValues(cells: readonly string[], columns: ReadonlyArray<FlatField | null>): FlatValues {
  const values: FlatValues = {};
  columns.forEach((f, i) => {
    if (!f) return;
    const v = (cells[i] ?? '').trim();
    if (v !== '' && values[f] === undefined) values[f] = v;
  });
  return values;
}

/** Flat values → a draft (the company goes to the search words; resolving it to an id is the caller's). */
export function flatDraft(v: FlatValues, defaults: FlatDefaults): Draft {
  const input: ContactInput = {
    firstName: v.firstName ?? '',
    lastName: v.lastName ?? '',
    emails: v.email !== undefined ? [{ address: v.email }] : [],
    ...(v.phone !== undefined ? { phones: [{ number: v.phone }] } : {}),
    ...(v.jobTitle !== undefined ? { jobTitle: v.jobTitle } : {}),
    ...(v.city !== undefined ? { city: v.city } : {}),
    ...(v.country !== undefined ? { country: v.country } : {}),
    lawfulBasis: (v.lawfulBasis ?? defaults.lawfulBasis) as ContactInput['lawfulBasis'],
    source: v.source ?? defaults.source,
  };
  return { input, companyName: v.company ?? null };
}

/** An input path (zod or normalization) → the flat field it came from. */
function fieldOfPath(path: string): FlatField {
  const head = path.split('.')[0] ?? '';
  if (head === 'emails') return 'email';
  if (head === 'phones') return 'phone';
  return (FLAT_FIELDS as readonly string[]).includes(head) ? (head as FlatField) : 'lastName';
}

function reasonOfIssue(field: FlatField, code: string): string {
  if (field === 'lawfulBasis') return 'unknown_lawful_basis';
  if (code === 'too_big') return 'too_long';
  if (code === 'too_small') return 'required';
  return 'invalid_value';
}

function reasonOfValue(field: FlatField): string {
  if (field === 'email') return 'invalid_email';
  if (field === 'phone') return 'invalid_phone';
  if (field === 'company') return 'too_long';
  return 'name_or_email_required';
}

/** Why a flat draft failed: the field of its first problem and a reason code. */
export function flatRejection(failed: MadeFailure): { field: FlatField; reason: string } {
  if (failed.stage === 'shape') {
    const issue = failed.issues[0]!;
    const field = fieldOfPath(issue.path);
    return { field, reason: reasonOfIssue(field, issue.code) };
  }
  const field = fieldOfPath(failed.errors[0]!.path);
  return { field, reason: reasonOfValue(field) };
}

/** What every flat batch of a run shares (sent to a worker once). */
export interface FlatContext extends MakeContext {
  /** The field each cell feeds, by position. */
  columns: Array<FlatField | null>;
  defaults: FlatDefaults;
  /** Keep each made contact's parsed input and record (an import updating duplicates needs them; others spare the copy). */
  keepChecked: boolean;
}

export interface FlatRow {
  line: number;
  fields: readonly string[];
}

/** A made row as a bulk load lands it (the sealed contact itself: no copy on the way). */
export interface MadeRow extends SealedContact {
  /** The row as checked, and the fields it gave (only with `keepChecked`). */
  checked?: { values: FlatValues; input: ParsedContactInput; record: ContactRecord };
}

export interface FlatMade {
  made: MadeRow[];
  rejected: Array<{ line: number; field: FlatField; reason: string }>;
}

/** A batch of flat rows made (prepareBatch), with clustered ids: what a bulk load writes. */
export function makeFlatBatch(maker: ContactMaker, fc: Pick<FlatContext, 'columns' | 'defaults' | 'keepChecked'>, rows: readonly FlatRow[]): FlatMade {
  const values = rows.map((r) => flatValues(r.fields, fc.columns));
  const made = prepareBatch(maker, values.map((v) => flatDraft(v, fc.defaults)), { ids: 'clustered' });
  const out: FlatMade = { made: [], rejected: [] };
  made.forEach((m, i) => {
    const line = rows[i]!.line;
    if (!m.ok) out.rejected.push({ line, ...flatRejection(m) });
    else out.made.push(fc.keepChecked ? { ...m.sealed, checked: { values: values[i]!, input: m.input, record: m.record } } : m.sealed);
  });
  return out;
}
