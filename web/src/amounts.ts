/**
 * An amount as people type it, to minor units (cents). Pure (the locale is
 * passed in), so node tests load it.
 *
 * The same characters mean different things across locales: "48.500" is
 * forty-eight thousand five hundred in Germany and forty-eight and a half in
 * the United States. A wrong guess multiplies or divides by a hundred or a
 * thousand without a word, so the rule is: read what has one meaning, settle
 * "1,234"-like input by the locale only where the locale uses that mark for
 * thousands, and refuse the rest with a message that says what to type.
 *
 * - Spaces (also no-break and narrow no-break) and apostrophes group
 *   thousands: "48 500", "48'500".
 * - With both "." and ",", the last one is the decimal mark: "48.500,00",
 *   "48,500.00".
 * - One mark repeated groups thousands: "1.234.567".
 * - One mark once followed by one or two digits is the decimal mark:
 *   "12,5", "12.50".
 * - One mark once followed by three digits is thousands only when the locale
 *   groups with it ("48.500" in de, "48,500" in en); otherwise it is refused.
 * - Thousands groups have three digits; at most two decimals; no sign.
 */

export type AmountResult = { ok: true; cents: number | null } | { ok: false; message: string };

/** The locale's decimal and grouping marks ("." and "," for en, "," and "." for de). */
export function localeMarks(locale: string | undefined): { decimal: string; group: string } {
  let decimal = '.';
  let group = ',';
  try {
    for (const p of new Intl.NumberFormat(locale).formatToParts(12345.6)) {
      if (p.type === 'decimal') decimal = p.value;
      if (p.type === 'group') group = p.value;
    }
  } catch {
    // An unknown locale tag: the defaults.
  }
  return { decimal, group };
}

const GROUPING_SPACES = /[\s\u00a0\u202f'’]/g;
const CURRENCY = /^[€$£¥]|[€$£¥]$|^[A-Za-z]{3}\s+|\s+[A-Za-z]{3}$/g;

function fail(message: string): AmountResult {
  return { ok: false, message };
}

/** Digits with thousands groups of three after the first (1-3 digits). */
function ungroup(parts: string[]): string | null {
  const [first, ...rest] = parts;
  if (first === undefined || !/^\d{1,3}$/.test(first) || rest.some((g) => !/^\d{3}$/.test(g))) return null;
  return parts.join('');
}

function toCents(whole: string, fraction: string): AmountResult {
  const digits = `${whole.replace(/^0+(?=\d)/, '')}${fraction.padEnd(2, '0')}`;
  const cents = Number(digits);
  if (!Number.isSafeInteger(cents)) return fail('That amount is too large.');
  return { ok: true, cents };
}

const EXAMPLE = 'Type it as 48500 or 48500.00.';

export function parseAmount(text: string, locale?: string): AmountResult {
  const raw = text.trim().replace(CURRENCY, '').trim();
  if (raw === '') return { ok: true, cents: null };
  if (/^[-−]/.test(raw)) return fail('An amount cannot be negative.');
  // Spaces only ever group thousands.
  const spaced = raw.split(GROUPING_SPACES).filter((s) => s !== '');
  if (spaced.length > 1 && !spaced.slice(1).every((s) => /^\d{3}(?:[.,]\d{1,2})?$/.test(s))) {
    return fail(`“${text.trim()}” is not an amount we can read. ${EXAMPLE}`);
  }
  const t = spaced.join('');
  if (!/^\d[\d.,]*$/.test(t) || /[.,]$/.test(t)) return fail(`“${text.trim()}” is not an amount we can read. ${EXAMPLE}`);

  const dots = t.split('.').length - 1;
  const commas = t.split(',').length - 1;
  if (dots === 0 && commas === 0) return toCents(t, '');

  let decimalMark: '.' | ',' | null;
  if (dots > 0 && commas > 0) {
    decimalMark = t.lastIndexOf('.') > t.lastIndexOf(',') ? '.' : ',';
  } else {
    const mark = dots > 0 ? '.' : ',';
    const count = dots + commas;
    const after = t.slice(t.lastIndexOf(mark) + 1);
    if (count > 1) decimalMark = null;
    else if (after.length <= 2) decimalMark = mark;
    else if (after.length === 3 && localeMarks(locale).group === mark) decimalMark = null;
    else if (after.length === 3) {
      const whole = t.slice(0, t.indexOf(mark));
      return fail(`“${text.trim()}” could be ${whole}${after} or ${whole}.${after.replace(/0+$/, '') || '0'}. Type it without the ${mark === ',' ? 'comma' : 'dot'} (${whole}${after}) or with two decimals.`);
    } else return fail('Give at most two decimals (cents).');
  }

  const groupMark = decimalMark === '.' ? ',' : '.';
  const [wholePart = '', fraction = '', ...extra] = decimalMark === null ? [t] : t.split(decimalMark);
  if (extra.length > 0) return fail(`“${text.trim()}” has more than one decimal mark. ${EXAMPLE}`);
  if (fraction.length > 2) return fail('Give at most two decimals (cents).');
  if (fraction !== '' && !/^\d+$/.test(fraction)) return fail(`“${text.trim()}” is not an amount we can read. ${EXAMPLE}`);
  const groups = wholePart.split(decimalMark === null ? (dots > 0 ? '.' : ',') : groupMark);
  const whole = groups.length === 1 ? (/^\d+$/.test(wholePart) ? wholePart : null) : ungroup(groups);
  if (whole === null) return fail(`“${text.trim()}” has thousands groups that are not three digits. ${EXAMPLE}`);
  return toCents(whole, fraction);
}
