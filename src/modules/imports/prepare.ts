/**
 * The CPU half of an import batch, away from the database: every record
 * checked (rows.ts), and each good one given an id, a fresh data key (wrapped
 * under the workspace key), its sealed record and its blind values. Pure
 * over its inputs, so it runs the same in a worker thread (prepare-worker.ts)
 * or inline; the landing (land.ts) then only resolves companies, checks
 * duplicates and writes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { wrapSubjectKeyWith, type BulkKeys } from '../../platform/crypto/bulk.js';
import { indexesOf, indexersFromKeys, type Indexers } from '../contacts/indexes.js';
import { sealContact } from '../contacts/record.js';
import { termsLiteral, valueOfIndex } from '../contacts/terms.js';
import type { CsvRecord } from './csv-reader.js';
import { checkRow, rejectionOf, rowInput, type Rejection } from './rows.js';
import type { ImportField, ImportOptions } from './schemas.js';

/** What every batch of a run shares (sent to a worker once). */
export interface PrepareContext {
  keys: BulkKeys;
  header: string[];
  fields: Array<ImportField | null>;
  options: Pick<ImportOptions, 'lawfulBasis' | 'source'>;
  /** The workspace's default phone country. */
  country: string | null;
}

/** A good row, ready to land: hex where the database takes hex. */
export interface PreparedRow {
  line: number;
  id: string;
  recordHex: string;
  wrappedHex: string;
  lawfulBasis: string;
  company: string | null;
  /** contact_lookup rows (emails, phones): kind, value as hex and as the 32-bit number duplicates are matched on. */
  lookups: Array<{ kind: number; valueHex: string; value: number }>;
  /** The blind terms as an array literal. */
  termsLiteral: string;
  /** Normalized, to confirm a duplicate candidate (in memory only, never stored as such). */
  emails: string[];
  phones: string[];
}

export interface PreparedBatch {
  rows: PreparedRow[];
  rejections: Rejection[];
}

export class BatchPreparer {
  private readonly ix: Indexers;

  constructor(private readonly pc: PrepareContext) {
    this.ix = indexersFromKeys(pc.keys);
  }

  prepare(records: readonly CsvRecord[]): PreparedBatch {
    const { keys, header, fields, options, country } = this.pc;
    const ws = keys.workspaceId;
    const rows: PreparedRow[] = [];
    const rejections: Rejection[] = [];
    // One call for the batch's data keys: randomBytes per key costs more than the bytes.
    const keyBytes = randomBytes(32 * records.length);
    records.forEach((rec, i) => {
      const row = rowInput(rec, header, fields);
      const checked = checkRow(row, options, country);
      if (!checked.ok) {
        rejections.push(rejectionOf(rec, row, checked));
        return;
      }
      const id = randomUUID();
      const key = keyBytes.subarray(i * 32, i * 32 + 32);
      const sealed = sealContact({ workspaceId: ws, subjectId: id, version: 1, key }, ws, id, 1, checked.record, {});
      const indexes = indexesOf(this.ix, checked.record, checked.company);
      rows.push({
        line: rec.line,
        id,
        recordHex: sealed.record.toString('hex'),
        wrappedHex: wrapSubjectKeyWith(keys, id, key).toString('hex'),
        lawfulBasis: checked.input.lawfulBasis,
        company: checked.company,
        lookups: indexes.lookups.map((l) => ({ kind: l.kind, valueHex: l.value.toString('hex'), value: valueOfIndex(l.value) })),
        termsLiteral: termsLiteral(indexes.terms),
        emails: checked.record.emails.map((e) => e.address),
        phones: checked.record.phones.map((p) => p.number),
      });
    });
    keyBytes.fill(0);
    return { rows, rejections };
  }
}
