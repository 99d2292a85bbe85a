/**
 * A streaming CSV reader for imports (docs/imports.md): RFC 4180 quoting with
 * multi-line fields, comma, semicolon or tab (detected on the header line),
 * CRLF, LF or CR line ends, and the physical line on which each record starts
 * (the header is line 1), which the error file reports. Blank lines are
 * skipped. Decoding (UTF-8, with or without BOM) is the caller's.
 */

export interface CsvRecord {
  /** The physical line where the record starts (1-based). */
  line: number;
  fields: string[];
}

export type Delimiter = ',' | ';' | '\t';

/** The delimiter that occurs most often outside quotes on the first line (comma on a tie or none). */
export function detectDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch] += 1;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

export class CsvFormatError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(`CSV format error at line ${line}: ${reason}`);
  }
}

export class CsvReader {
  private delimiter: Delimiter | null;
  private head = '';
  private field = '';
  private fields: string[] = [];
  /** Inside a quoted field. */
  private quoted = false;
  /** A quote was just read inside a quoted field: either "" or the field's end. */
  private quoteSeen = false;
  /** The field had quotes (so an empty line in quotes is a record). */
  private fieldWasQuoted = false;
  private lastWasCR = false;
  private line = 1;
  private start = 1;

  constructor(delimiter?: Delimiter) {
    this.delimiter = delimiter ?? null;
  }

  /** Feeds decoded text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    if (this.delimiter === null) {
      // Detect on the whole first line: keep text until a line end is seen (or the end).
      this.head += text;
      if (!/[\r\n]/.test(this.head)) return [];
      this.delimiter = detectDelimiter(this.head);
      text = this.head;
      this.head = '';
    }
    return this.consume(text);
  }

  /** The end of input: the last record if the file does not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.delimiter === null) {
      this.delimiter = detectDelimiter(this.head);
      out.push(...this.consume(this.head));
      this.head = '';
    }
    if (this.quoted && !this.quoteSeen) throw new CsvFormatError(this.start, 'unterminated_quote');
    this.endRecord(out);
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
  }

  private endRecord(out: CsvRecord[]): void {
    const empty = this.fields.length === 0 && this.field === '' && !this.fieldWasQuoted;
    if (!empty) {
      this.endField();
      out.push({ line: this.start, fields: this.fields });
    }
    this.fields = [];
    this.field = '';
    this.fieldWasQuoted = false;
    this.quoted = false;
    this.quoteSeen = false;
  }

  private consume(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const d = this.delimiter!;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i]!;
      if (this.lastWasCR) {
        this.lastWasCR = false;
        if (ch === '\n') continue; // CRLF: the line was counted at the CR
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false; // the closing quote; fall through to the unquoted handling
        } else if (ch === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (ch === '\r' || ch === '\n') {
            this.line += 1;
            if (ch === '\r') this.lastWasCR = true;
            // A multi-line field keeps its line break as written (CRLF → LF).
            this.field += '\n';
          } else this.field += ch;
          continue;
        }
      }
      if (ch === '"' && this.field === '' && !this.fieldWasQuoted) {
        this.quoted = true;
        this.fieldWasQuoted = true;
      } else if (ch === d) {
        this.endField();
      } else if (ch === '\r' || ch === '\n') {
        if (ch === '\r') this.lastWasCR = true;
        this.endRecord(out);
        this.line += 1;
        this.start = this.line;
      } else {
        // A stray quote inside an unquoted field is kept as a character (lenient, like spreadsheets).
        this.field += ch;
      }
    }
    return out;
  }
}
