import { describe, expect, it } from 'vitest';
import { localeMarks, parseAmount, type AmountResult } from '../web/src/amounts.js';

const cents = (r: AmountResult) => (r.ok ? r.cents : `error: ${r.message}`);

describe('amounts typed in a form (web/src/amounts.ts)', () => {
  it('reads the European, British and plain spellings of 48,500.00 as 4,850,000 cents in any locale', () => {
    for (const locale of ['en-US', 'de-DE', 'fr-FR', 'en-GB', 'de-CH', 'nl-NL']) {
      for (const typed of ['48 500,00', '48.500,00', '48,500.00', '48500', '48 500', '48500.00', '48500,00', '48\u202f500,00', '48\u00a0500', "48'500.00", '€ 48 500,00', '48 500 EUR']) {
        expect(cents(parseAmount(typed, locale)), `${typed} in ${locale}`).toBe(4_850_000);
      }
    }
  });

  it('reads one or two decimals after either mark, and thousands repeated', () => {
    expect(cents(parseAmount('12,5', 'en-US'))).toBe(1250);
    expect(cents(parseAmount('12.50', 'de-DE'))).toBe(1250);
    expect(cents(parseAmount('0.05'))).toBe(5);
    expect(cents(parseAmount('1.234.567', 'en-US'))).toBe(123_456_700);
    expect(cents(parseAmount('1,234,567', 'de-DE'))).toBe(123_456_700);
    expect(cents(parseAmount('  '))).toBeNull();
  });

  it('settles "48,500" and "48.500" by the locale only where that mark groups thousands, and refuses it elsewhere', () => {
    expect(cents(parseAmount('48,500', 'en-US'))).toBe(4_850_000);
    expect(cents(parseAmount('48.500', 'de-DE'))).toBe(4_850_000);
    const de = parseAmount('48,500', 'de-DE');
    expect(de.ok).toBe(false);
    if (!de.ok) expect(de.message).toContain('could be 48500 or 48.5');
    expect(parseAmount('48.500', 'en-US').ok).toBe(false);
    // French groups with a narrow space: neither "." nor "," followed by three digits is read.
    expect(parseAmount('48.500', 'fr-FR').ok).toBe(false);
    expect(parseAmount('48,500', 'fr-FR').ok).toBe(false);
  });

  it('refuses what it cannot read instead of changing the amount', () => {
    for (const typed of ['12.345', '1,2345', '48 50,00', '4 8500', '1,23,456.00', '48.500.00,5', '-5', '12a', '48,', '1.2.3,4.5']) {
      const r = parseAmount(typed, 'en-US');
      expect(r.ok, typed).toBe(false);
      if (!r.ok) expect(r.message, typed).not.toMatch(/NaN|undefined/);
    }
    expect(parseAmount('99999999999999999999').ok).toBe(false);
  });

  it('knows the marks of the locales it meets', () => {
    expect(localeMarks('de-DE')).toEqual({ decimal: ',', group: '.' });
    expect(localeMarks('en-US')).toEqual({ decimal: '.', group: ',' });
    expect(localeMarks('not a locale')).toEqual({ decimal: '.', group: ',' });
  });
});
