/**
 * An import batch made into contacts, away from the database: the contacts
 * module makes them (checked, sealed, indexed: its prepareBatch, on worker
 * threads for a large file); here its answer becomes the batch the landing
 * (land.ts) writes, and each rejected row a line of the error file naming
 * the column, never the value.
 */
import type { ContactMakers, FlatMade, MadeRow } from '../contacts/index.js';
import type { CsvRecord } from './csv-reader.js';
import type { Rejection } from './rows.js';
import type { ImportField } from './schemas.js';

/** A good row, ready to land (its parsed input and record kept only when duplicates are updated). */
export type PreparedRow = MadeRow;

export interface PreparedBatch {
  rows: PreparedRow[];
  rejections: Rejection[];
}

export interface Preparer {
  /** Starts preparing a batch; the promise settles with its result. */
  prepare(records: CsvRecord[]): Promise<PreparedBatch>;
  close(): Promise<void>;
}

/** The header of the first column feeding each field (the error file names it). */
function columnNames(header: readonly string[], fields: ReadonlyArray<ImportField | null>): Partial<Record<ImportField, string>> {
  const cols: Partial<Record<ImportField, string>> = {};
  fields.forEach((f, i) => {
    if (f) cols[f] ??= header[i]!.trim();
  });
  return cols;
}

/** Batches of records → prepared batches, through the contacts module's makers. */
export function importPreparer(makers: ContactMakers, header: readonly string[], fields: ReadonlyArray<ImportField | null>): Preparer {
  const cols = columnNames(header, fields);
  const toBatch = (m: FlatMade): PreparedBatch => ({
    rows: m.made,
    rejections: m.rejected.map((r) => ({ line: r.line, column: cols[r.field] ?? r.field, reason: r.reason })),
  });
  return {
    prepare: (records) => makers.make(records).then(toBatch),
    close: () => makers.close(),
  };
}
