/**
 * Input → record: normalization (API.md "Normalization") and the checks that
 * need the database (company, owner, custom fields). Every problem is a 422
 * naming its field path, never echoing the value (DESIGN.md rule 6).
 */
import type { Trx } from '../../platform/db/database.js';
import { validationFailed, type FieldError } from '../../platform/errors.js';
import { companyExists, validateCustomFieldValues } from './deps.js';
import { isValidEmail, normalizeEmail, normalizePhone } from './normalize.js';
import { memberExists } from './queries.js';
import type { ContactRecord, SpecialValues } from './record.js';
import type { LawfulBasis, ParsedContactInput } from './schemas.js';

export interface PreparedContact {
  record: ContactRecord;
  special: SpecialValues;
  companyId: string | null;
  ownerId: string | null;
  lawfulBasis: LawfulBasis;
}

const orNull = (v: string | null | undefined): string | null => (v === undefined || v === null || v === '' ? null : v);

/** Emails normalized and checked; exactly one is primary (the first unless one says so). */
export function normalizeEmails(emails: ParsedContactInput['emails'], errors: FieldError[]): ContactRecord['emails'] {
  const out: ContactRecord['emails'] = [];
  const seen = new Set<string>();
  emails.forEach((e, i) => {
    const address = normalizeEmail(e.address);
    if (!isValidEmail(address)) errors.push({ path: `emails.${i}.address`, message: 'Enter a valid email address.' });
    else if (!seen.has(address)) {
      seen.add(address);
      out.push({ address, primary: e.primary === true });
    }
  });
  const primary = out.findIndex((e) => e.primary);
  return out.map((e, i) => ({ address: e.address, primary: primary === -1 ? i === 0 : i === primary }));
}

export function normalizePhones(phones: ParsedContactInput['phones'], country: string | null, errors: FieldError[]): ContactRecord['phones'] {
  const out = new Set<string>();
  (phones ?? []).forEach((p, i) => {
    const number = normalizePhone(p.number, country);
    if (number === null) {
      const hint = country ? '' : ' The workspace has no default country, so include the country code (+...).';
      errors.push({ path: `phones.${i}.number`, message: `Enter a valid phone number.${hint}` });
    } else out.add(number);
  });
  return [...out].map((number) => ({ number }));
}

/** Sync part: the record from an input whose shape zod already checked. */
export function recordOf(input: ParsedContactInput, country: string | null, errors: FieldError[]): ContactRecord {
  const record: ContactRecord = {
    firstName: input.firstName.trim().normalize('NFC'),
    lastName: input.lastName.trim().normalize('NFC'),
    emails: normalizeEmails(input.emails, errors),
    phones: normalizePhones(input.phones, country, errors),
    jobTitle: orNull(input.jobTitle),
    seniority: orNull(input.seniority),
    address: input.address ?? null,
    website: orNull(input.website),
    linkedinUrl: orNull(input.linkedinUrl),
    bio: orNull(input.bio),
    country: orNull(input.country),
    city: orNull(input.city),
    ip: orNull(input.ip),
    tags: [...new Set((input.tags ?? []).map((t) => t.normalize('NFC')))],
    source: input.source,
    customFields: {},
  };
  if (record.firstName === '' && record.lastName === '' && record.emails.length === 0 && errors.length === 0) {
    errors.push({ path: 'lastName', message: 'Give a name or an email address.' });
  }
  return record;
}

/** Splits validated custom field values into the record's and the special column's. */
async function customFieldsOf(trx: Trx, workspaceId: string, values: Record<string, unknown> | undefined): Promise<{ plain: Record<string, unknown>; special: SpecialValues }> {
  if (!values || Object.keys(values).length === 0) return { plain: {}, special: {} };
  const { clean, specialKeys } = await validateCustomFieldValues(trx, workspaceId, values);
  const specialSet = new Set(specialKeys);
  const plain: Record<string, unknown> = {};
  const special: SpecialValues = {};
  for (const [k, v] of Object.entries(clean)) {
    // A null value means "no value": nothing is stored for it.
    if (v !== null) (specialSet.has(k) ? special : plain)[k] = v;
  }
  return { plain, special };
}

export async function checkReferences(trx: Trx, workspaceId: string, companyId: string | null, ownerId: string | null, errors: FieldError[]): Promise<void> {
  if (companyId !== null && !(await companyExists(trx, companyId))) errors.push({ path: 'companyId', message: 'No such company.' });
  if (ownerId !== null && !(await memberExists(trx, workspaceId, ownerId))) errors.push({ path: 'ownerId', message: 'No such member.' });
}

/** One input, fully checked. `defaultOwner` is the creator unless the input names an owner. */
export async function prepareContact(trx: Trx, workspaceId: string, input: ParsedContactInput, country: string | null, defaultOwner: string | null): Promise<PreparedContact> {
  const errors: FieldError[] = [];
  const record = recordOf(input, country, errors);
  const companyId = input.companyId ?? null;
  const ownerId = input.ownerId === undefined ? defaultOwner : input.ownerId;
  await checkReferences(trx, workspaceId, companyId, ownerId, errors);
  if (errors.length > 0) throw validationFailed(errors);
  const { plain, special } = await customFieldsOf(trx, workspaceId, input.customFields);
  record.customFields = plain;
  return { record, special, companyId, ownerId, lawfulBasis: input.lawfulBasis };
}

export { customFieldsOf };
