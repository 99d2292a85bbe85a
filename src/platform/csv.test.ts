import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, toCsv } from './csv.js';

describe('csvCell', () => {
  it('turns every formula-looking string into text with a leading quote', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil")']) {
      const parsed: string[][] = parse(csvRow([s]));
      expect(parsed[0]?.[0]).toBe(`'${s}`);
    }
  });

  it('leaves ordinary text, numbers, booleans and dates as they are', () => {
    expect(csvCell('Acme')).toBe('Acme');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
  });

  it('quotes separators, quotes and line breaks so a value never leaves its cell', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    // A formula after a line break would start a new row in a naive writer.
    const file = toCsv(['a', 'b'], [['x\r\n=1+1', '-2']]);
    expect(parse(file)).toEqual([
      ['a', 'b'],
      ['x\r\n=1+1', "'-2"],
    ]);
  });
});

describe('toCsv', () => {
  it('writes CRLF rows and refuses a row of the wrong width', () => {
    expect(toCsv(['h'], [['v']])).toBe('h\r\nv\r\n');
    expect(() => toCsv(['a', 'b'], [['only one']])).toThrow(RangeError);
  });
});
