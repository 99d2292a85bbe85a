/**
 * Field errors in plain words, for every form of the app. The server's
 * problem+json names each bad field with zod's own text ("Too small: expected
 * string to have >=1 characters", `Invalid option: expected one of
 * "consent"|…`), which tells a person neither what is wrong nor what to do.
 * A form names its fields once (what to call each, whether it is typed or
 * chosen) and gets "Enter a first name", "Choose a lawful basis". Messages a
 * service wrote for people (e.g. "This slug is taken.") pass through as they
 * are. Pure: node tests load it.
 */

export interface FieldSpec {
  /** The field as a noun phrase after "Enter" or "Choose": "a first name", "the lawful basis". */
  name: string;
  /** Typed (the default) or chosen from a list. */
  kind?: 'text' | 'choice' | 'number' | 'date' | 'email' | 'url';
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** The generic wording when a form did not name a field. */
const GENERIC: FieldSpec = { name: 'a value' };

const ask = (spec: FieldSpec) => `${spec.kind === 'choice' ? 'Choose' : 'Enter'} ${spec.name}.`;

/** zod 4's default messages (and zod 3's), which no person should read. */
const ZOD_TEXT = /^(Invalid input|Invalid option|Invalid enum value|Invalid string|Invalid email|Invalid URL|Invalid UUID|Invalid ISO|Invalid date|Invalid type|Too small|Too big|Unrecognized key|Expected |Required$|String must|Number must|Array must)/;

/** One message, as a person should read it. */
export function plainMessage(raw: string, spec: FieldSpec = GENERIC): string {
  const m = raw.trim();
  if (!ZOD_TEXT.test(m)) return m;
  // Nothing given: an empty string, a missing field, an empty list.
  if (/^Too small: expected (string|array) to have >=1 (characters|items)/.test(m) || /received (undefined|null)$/.test(m) || m === 'Required') return ask(spec);
  if (/^(Invalid option|Invalid enum value)/.test(m) || /^Invalid UUID/.test(m)) return `Choose ${spec.name}.`;
  let x = /^Too small: expected string to have >=(\d+) characters/.exec(m);
  if (x) return `Use at least ${x[1]} characters.`;
  x = /^Too big: expected string to have <=(\d+) characters/.exec(m);
  if (x) return `Use at most ${x[1]} characters.`;
  x = /^Too small: expected number to be >=?(-?[\d.]+)/.exec(m);
  if (x) return `Enter a number of at least ${x[1]}.`;
  x = /^Too big: expected number to be <=?(-?[\d.]+)/.exec(m);
  if (x) return `Enter a number of at most ${x[1]}.`;
  x = /^Too big: expected array to have <=(\d+) items/.exec(m);
  if (x) return `Give at most ${x[1]}.`;
  if (/expected number|expected int/.test(m)) return 'Enter a whole number.';
  if (/^Invalid email/.test(m) || spec.kind === 'email') return 'Enter an email address such as name@example.com.';
  if (/^Invalid URL/.test(m) || spec.kind === 'url') return 'Enter a web address starting with https://.';
  if (/^Invalid (ISO )?date/.test(m) || spec.kind === 'date') return 'Enter a date.';
  if (/^Unrecognized key/.test(m)) return 'This field is not accepted here.';
  return `Check ${spec.name}: it is not in the expected form.`;
}

/**
 * The problem's field errors keyed by the form's field names (Fastify's
 * validation says `body.firstName`, the services `firstName`), each in plain
 * words. The spec of `emails.0.address` is looked up as written, then as
 * `emails.*.address`, then by its first segment.
 */
export function plainFieldErrors(errors: ReadonlyArray<{ path: string; message: string }> | undefined, specs: FieldSpecs = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const key = e.path.replace(/^body\./, '');
    const spec = specs[key] ?? specs[key.replace(/\.\d+(?=\.|$)/g, '.*')] ?? specs[key.split('.')[0] ?? ''];
    out[key] ??= plainMessage(e.message, spec);
  }
  return out;
}

/** The browser-side check every form makes before sending: each empty field named in `specs` gets its "Enter …"/"Choose …". */
export function requiredErrors(values: Readonly<Record<string, string>>, specs: FieldSpecs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(specs)) {
    if ((values[key] ?? '').trim() === '') out[key] = ask(spec);
  }
  return out;
}
