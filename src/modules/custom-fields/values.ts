import type { Trx } from '../../platform/db/database.js';
import { validationFailed, type FieldError } from '../../platform/errors.js';
import { fieldsByKey, type CustomFieldRow } from './queries.js';

export const MAX_TEXT = 5_000;
const MAX_VALUES = 200;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Checked = { ok: true; value: unknown } | { ok: false; message: string };
const bad = (message: string): Checked => ({ ok: false, message });
const ok = (value: unknown): Checked => ({ ok: true, value });

function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}

function checkNumber(v: unknown): Checked {
  // A CSV import hands over text: a plain decimal string is accepted too.
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v)) v = Number(v);
  return typeof v === 'number' && Number.isFinite(v) ? ok(v) : bad('Give a number.');
}

function checkBoolean(v: unknown): Checked {
  if (v === 'true' || v === 'false') return ok(v === 'true');
  return typeof v === 'boolean' ? ok(v) : bad('Give true or false.');
}

function checkEmail(v: unknown): Checked {
  if (typeof v !== 'string') return bad('Give an email address.');
  // API.md normalization: trimmed, NFC, lower-cased as a whole.
  const email = v.trim().normalize('NFC').toLowerCase();
  return email.length <= 254 && EMAIL_RE.test(email) ? ok(email) : bad('Give a valid email address.');
}

function checkUrl(v: unknown): Checked {
  if (typeof v !== 'string' || v.length > 2048) return bad('Give an http or https URL.');
  try {
    const url = new URL(v.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? ok(url.toString()) : bad('Give an http or https URL.');
  } catch {
    return bad('Give an http or https URL.');
  }
}

function checkMulti(v: unknown, options: readonly string[]): Checked {
  if (!Array.isArray(v) || v.length > options.length) return bad('Give a list of the field’s options.');
  const unknown = v.filter((x) => typeof x !== 'string' || !options.includes(x));
  if (unknown.length > 0) return bad(`Not an option of this field: ${unknown.map((x) => JSON.stringify(x).slice(0, 60)).join(', ')}.`);
  // Stored in the field's option order, without repeats.
  return ok(options.filter((o) => (v as unknown[]).includes(o)));
}

/** One value against its definition: the canonical value, or why not. */
export function checkValue(field: Pick<CustomFieldRow, 'type' | 'options'>, v: unknown): Checked {
  const options = field.options ?? [];
  switch (field.type) {
    case 'text':
      return typeof v === 'string' && v.length <= MAX_TEXT ? ok(v) : bad(`Give text of at most ${MAX_TEXT} characters.`);
    case 'number':
      return checkNumber(v);
    case 'date':
      return typeof v === 'string' && isIsoDate(v.trim()) ? ok(v.trim()) : bad('Give a date as YYYY-MM-DD.');
    case 'select':
      return typeof v === 'string' && options.includes(v) ? ok(v) : bad('Not an option of this field.');
    case 'multi_select':
      return checkMulti(v, options);
    case 'boolean':
      return checkBoolean(v);
    case 'email':
      return checkEmail(v);
    case 'url':
      return checkUrl(v);
  }
}

export interface ValidatedValues {
  /** Canonical values by key; null means "clear this value". */
  clean: Record<string, unknown>;
  /** Keys (of `clean`) whose field is special-category data: seal apart, read with special_category:read. */
  specialKeys: string[];
}

/**
 * Checks a contact's custom field values against the workspace's definitions,
 * all at once: every bad key is reported (`customFields.<key>`), nothing is
 * kept unless all pass (DESIGN.md data rule 6). Archived fields take no new
 * values unless `allowArchived` (a merge or an update carrying old values).
 */
export async function validateCustomFieldValues(
  trx: Trx, workspaceId: string, values: Record<string, unknown>, opts: { allowArchived?: boolean } = {},
): Promise<ValidatedValues> {
  const keys = Object.keys(values);
  if (keys.length > MAX_VALUES) throw validationFailed([{ path: 'customFields', message: `At most ${MAX_VALUES} custom fields.` }]);
  const defs = new Map((await fieldsByKey(trx, workspaceId, keys)).map((f) => [f.key, f]));
  const errors: FieldError[] = [];
  const clean: Record<string, unknown> = {};
  const specialKeys: string[] = [];
  for (const key of keys) {
    const path = `customFields.${key}`;
    const def = defs.get(key);
    if (!def) errors.push({ path, message: 'No custom field has this key.' });
    else if (def.archived_at && !opts.allowArchived) errors.push({ path, message: 'This custom field is archived.' });
    else {
      const value = values[key];
      const checked = value === null ? ok(null) : checkValue(def, value);
      if (!checked.ok) errors.push({ path, message: checked.message });
      else {
        clean[key] = checked.value;
        if (def.data_category === 'special_category') specialKeys.push(key);
      }
    }
  }
  if (errors.length > 0) throw validationFailed(errors, 'Some custom field values are invalid.');
  return { clean, specialKeys };
}
