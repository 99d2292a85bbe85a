/**
 * Input → record, the synchronous part of a create (API.md "Normalization"):
 * pure, so an import's worker threads run it. Every problem is pushed as a
 * field error naming its path, never the value.
 */
import type { FieldError } from '../../platform/errors.js';
import { isValidEmail, normalizeEmail, normalizePhone } from './normalize.js';
import type { ContactRecord } from './record.js';
import type { ParsedContactInput } from './schemas.js';

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
