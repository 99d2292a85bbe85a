/**
 * The CPU half of an import batch, away from the database: every record
 * checked (rows.ts), and each good one given an id, a fresh data key (wrapped
 * under the workspace key), its sealed record and its blind values. Pure
 * over its inputs, so it runs the same in a worker thread (prepare-worker.ts)
 * or inline; the landing (land.ts) then only resolves companies, checks
 * duplicates and writes.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
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

/** Contacts per run of neighbouring ids (clusteredIds). */
export const ID_RUN = 128;

/**
 * Ids for a batch of new contacts: random like any contact id, but in runs of
 * ID_RUN that sort next to each other (a random 58-bit prefix per run, a
 * counter, 48 random bits per id; UUID version 8, "custom"). Every index on
 * the id then takes a batch as a few sorted runs instead of a thousand random
 * inserts, each touching (and, after a checkpoint, logging) its own page.
 * The runs sit at random places, so a search walking the id order still meets
 * a group's members spread out (docs/crm-contacts.md "Ids").
 */
export function clusteredIds(n: number): string[] {
  const out: string[] = [];
  const b = Buffer.alloc(16);
  for (let i = 0; i < n; i++) {
    if (i % ID_RUN === 0) randomFillSync(b, 0, 8);
    randomFillSync(b, 10, 6);
    b[6] = 0x80 | (b[6]! & 0x0f); // version 8
    b[8] = 0x80 | ((i % ID_RUN) >> 8); // variant 10, then the counter's high bits
    b[9] = (i % ID_RUN) & 0xff;
    const h = b.toString('hex');
    out.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  }
  return out;
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
    const ids = clusteredIds(records.length);
    records.forEach((rec, i) => {
      const row = rowInput(rec, header, fields);
      const checked = checkRow(row, options, country);
      if (!checked.ok) {
        rejections.push(rejectionOf(rec, row, checked));
        return;
      }
      const id = ids[i]!;
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
