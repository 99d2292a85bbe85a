import { describe, expect, it } from 'vitest';
import { defaultField, detectDelimiter, parseCsvPreview } from '../web/src/pages/imports/csv-preview.js';

describe('the import wizard\'s CSV preview (read in the browser)', () => {
  it('detects the separator on the header line, comma on a tie', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a,b;c')).toBe(',');
    expect(detectDelimiter('name')).toBe(',');
  });

  it('reads quoted fields (separators, doubled quotes, line breaks), skips blank lines and a BOM, and stops after the limit', () => {
    const csv = '\uFEFFfirstName,Notes\r\n"Ada","said ""hi"", then\nleft"\n\nGrace,plain\n3,x\n4,x\n5,x\n6,x\n';
    const p = parseCsvPreview(csv, 5);
    expect(p.delimiter).toBe(',');
    expect(p.header).toEqual(['firstName', 'Notes']);
    expect(p.rows[0]).toEqual(['Ada', 'said "hi", then\nleft']);
    expect(p.rows[1]).toEqual(['Grace', 'plain']);
    expect(p.rows).toHaveLength(5);
    expect(p.rows[4]).toEqual(['5', 'x']);
  });

  it('keeps a last record without a final line break', () => {
    expect(parseCsvPreview('email;city\na@b.example;Oslo').rows).toEqual([['a@b.example', 'Oslo']]);
  });

  it('maps a header to the field of that name, case-insensitive, else ignores it', () => {
    expect(defaultField(' EMAIL ')).toBe('email');
    expect(defaultField('jobtitle')).toBe('jobTitle');
    expect(defaultField('Mail')).toBeNull();
  });
});
