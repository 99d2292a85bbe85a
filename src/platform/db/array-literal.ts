/**
 * PostgreSQL array literals of plain elements (uuids, hex, integers, enum
 * words), joined here and passed as one text parameter with a cast. pg's own
 * array encoding escapes element by element, which for a batch of sealed
 * records (≈ 1 MB of hex) cost more than the statement. Anything that would
 * need quoting throws: a literal can never be shifted by its contents.
 */
const PLAIN = /^[0-9A-Za-z_-]*$/;

export function plainArray(values: ReadonlyArray<string | number | null>): string {
  for (const v of values) if (typeof v === 'string' && !PLAIN.test(v)) throw new Error('not a plain array element');
  return `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
}
