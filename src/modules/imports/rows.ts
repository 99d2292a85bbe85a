/**
 * A CSV file's columns → the contact fields they feed. The rows themselves
 * are checked and made by the contacts module (its flat form, contacts/flat.ts:
 * exactly like POST /contacts); a rejection names the column and a reason
 * code, never the value.
 */
import { IMPORT_FIELDS, type ImportField, type Mapping } from './schemas.js';

export interface Rejection {
  line: number;
  column: string;
  reason: string;
}

/** Which field each column index feeds (explicit mapping, else headers named like the fields, case-insensitive). */
export function columnFields(header: readonly string[], mapping: Mapping | undefined): Array<ImportField | null> {
  const byLower = new Map<string, ImportField>(IMPORT_FIELDS.map((f) => [f.toLowerCase(), f]));
  return header.map((h) => {
    const name = h.trim();
    if (mapping) return mapping[name] ?? null;
    return byLower.get(name.toLowerCase()) ?? null;
  });
}
