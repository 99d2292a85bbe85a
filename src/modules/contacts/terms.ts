/**
 * Blind terms: the search tokens, tags and country of a contact as one
 * `bigint[]` on its row (`contacts.terms`, GIN-indexed; migration 0021). One
 * row per person instead of ≈ 25 lookup rows: an import of a million people
 * inserts a million GIN-indexed arrays rather than 25 million B-tree rows
 * (docs/crm-contacts.md "Indexes", docs/performance.md).
 *
 * A term packs, in 52 bits (exact in a JS number):
 *   workspace tag (16 bits) | kind (4 bits) | blind value (32 bits)
 * The workspace tag (the first 16 bits of its id) keeps one workspace's common
 * terms out of another's posting lists; it is not a security boundary (row
 * level security and the workspace filter are), and values are keyed per
 * workspace anyway.
 */

/** Kinds share numbers with contact_lookup's old kinds (3, 4, 5), so a term names its origin. */
export const TERM_KIND = { token: 3, tag: 4, country: 5 } as const;
export type TermKind = keyof typeof TERM_KIND;

const KIND_SHIFT = 2 ** 32;
const TAG_SHIFT = 2 ** 36;

export function workspaceTag(workspaceId: string): number {
  return parseInt(workspaceId.slice(0, 4), 16);
}

/** A blind term list as a PostgreSQL array literal (both drivers pass text the same way). */
export const termsLiteral = (terms: readonly number[]): string => `{${terms.join(',')}}`;

/** A term from a blind value already reduced to an unsigned 32-bit integer. */
export function termOf(tag: number, kind: TermKind, value: number): number {
  return tag * TAG_SHIFT + TERM_KIND[kind] * KIND_SHIFT + (value >>> 0);
}

/** The first four bytes of a truncated blind index (HMAC), as the unsigned 32-bit value of a term. */
export function valueOfIndex(index: Buffer): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 256 + (index[i] ?? 0);
  return v;
}
