/** The import's CSV reader: physical start lines, quoting, line ends, delimiter detection. */
import { describe, expect, it } from 'vitest';
import { CsvFormatError, CsvReader, detectDelimiter } from './csv-reader.js';

function readAll(text: string, pieces = 1): Array<[number, string[]]> {
  const r = new CsvReader();
  const out = [];
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length; i += size) out.push(...r.push(text.slice(i, i + size)));
  out.push(...r.end());
  return out.map((rec) => [rec.line, rec.fields]);
}

describe('CsvReader', () => {
  it('gives the line where each record starts, across quoted line breaks, CRLF, CR and blank lines', () => {
    const text = 'a,b\r\n"x\r\ny",2\r\n\r\n3,"q""uote"\r4,"\n\n"\n5,last';
    const expected: Array<[number, string[]]> = [
      [1, ['a', 'b']], [2, ['x\ny', '2']], [5, ['3', 'q"uote']], [6, ['4', '\n\n']], [9, ['5', 'last']],
    ];
    expect(readAll(text)).toEqual(expected);
    // The same whatever the chunking (a CRLF or a "" split between chunks).
    for (const pieces of [2, 3, 7, text.length]) expect(readAll(text, pieces)).toEqual(expected);
  });

  it('detects semicolons and tabs on the header line, ignoring quoted ones', () => {
    expect(detectDelimiter('a;b;c\n1,2')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',');
    expect(readAll('a;b\n"1;2";3\n')).toEqual([[1, ['a', 'b']], [2, ['1;2', '3']]]);
  });

  it('an unterminated quote is an error naming the line where the record starts', () => {
    const r = new CsvReader();
    r.push('a,b\n1,"open\nmore\n');
    expect(() => r.end()).toThrow(CsvFormatError);
    try {
      r.end();
    } catch (err) {
      expect((err as CsvFormatError).line).toBe(2);
    }
  });
});
