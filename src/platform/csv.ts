/**
 * Every CSV the server writes goes through here (THREATS.md "Personal data
 * outside the tables"): a spreadsheet opening the file must never evaluate a
 * cell as a formula, and a value must never break out of its cell or row.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

/**
 * A leading `=`, `+`, `-` or `@` makes Excel, LibreOffice and Google Sheets
 * read a cell as a formula (OWASP "CSV injection"); a leading tab or carriage
 * return is stripped by some of them and exposes the next character, so both
 * are treated the same way. A leading `'` turns the cell into text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** RFC 4180: a cell with a separator, a quote or a line break is quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

function text(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * One cell, escaped and quoted as needed. Numbers and booleans are written as
 * they are: the server formats them itself (a negative number is not a
 * formula), so `-5` stays a number a spreadsheet can sum. Every string, whatever
 * its source, is escaped.
 */
export function csvCell(value: CsvValue): string {
  let s = text(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, with the CRLF line end RFC 4180 asks for (so rows can be streamed). */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** A whole file: the header row, then one row per record. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const out = [csvRow(header)];
  for (const row of rows) {
    if (row.length !== header.length) throw new RangeError(`a CSV row has ${row.length} cells, the header ${header.length}`);
    out.push(csvRow(row));
  }
  return out.join('');
}
