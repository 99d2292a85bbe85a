/**
 * The first rows of a CSV, read in the browser for the mapping preview (the
 * file goes nowhere but the import itself). Same rules as the server
 * (docs/imports.md "The file"): separator detected on the header line
 * (comma, semicolon or tab, whichever occurs most, comma on a tie), quoted
 * fields with "" for a quote, blank lines skipped.
 */
import type { ImportField } from './fields.js';
import { fieldForHeader } from './header-synonyms.js';

export interface CsvPreview {
  delimiter: ',' | ';' | '\t';
  header: string[];
  rows: string[][];
}

export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const count = (c: string) => headerLine.split(c).length - 1;
  const comma = count(',');
  const semi = count(';');
  const tab = count('\t');
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

/** Parses up to `limit` records after the header. */
export function parseCsvPreview(text: string, limit = 5): CsvPreview {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = /^[^\r\n]*/.exec(src)?.[0] ?? '';
  const delimiter = detectDelimiter(firstLine);
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < src.length && records.length <= limit) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
    } else field += c;
    i++;
  }
  if (records.length <= limit && (field !== '' || record.length > 0)) endRecord();
  const [header = [], ...rows] = records;
  return { delimiter, header: header.map((h) => h.trim()), rows: rows.slice(0, limit) };
}

/** The field a header feeds by default: the field it names under any common spelling (header-synonyms.ts), else none. */
export function defaultField(header: string): ImportField | null {
  return fieldForHeader(header);
}
