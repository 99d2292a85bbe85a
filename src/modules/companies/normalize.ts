/**
 * Normalization of company names for the blind index and the search tokens.
 * It feeds HMACs, so changing it means re-indexing every workspace (the
 * rotation re-indexer does exactly that).
 */

/** Blind-index names (vault key derivation info). */
export const NAME_INDEX = 'companies.name';
export const TOKEN_INDEX = 'companies.token';
/** 20-bit tokens: about a million buckets, so many names share one (THREATS.md). */
export const TOKEN_BITS = 20;
/** Word-prefix lengths that get a token; a query word uses the longest one that fits. */
export const PREFIX_LENGTHS = [2, 3, 4, 6] as const;
/** At most this many query words count (more only narrows, after decryption). */
export const MAX_QUERY_WORDS = 6;

/** The exact-match form: NFC, whitespace collapsed, lower-cased (accents kept). */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/** Accent-folded, lower-cased words of letters and digits. */
export function searchWords(text: string): string[] {
  const folded = text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  return folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/** Every token input of a name: each word's prefixes of the lengths above (deduplicated). */
export function namePrefixes(name: string): string[] {
  const out = new Set<string>();
  for (const word of searchWords(name)) {
    const chars = [...word];
    for (const n of PREFIX_LENGTHS) if (chars.length >= n) out.add(chars.slice(0, n).join(''));
  }
  return [...out];
}

/**
 * The token input for one query word: its prefix of the longest indexed
 * length it reaches, or null for a one-character word (too broad to search).
 */
export function queryPrefix(word: string): string | null {
  const chars = [...word];
  let best: number | null = null;
  for (const n of PREFIX_LENGTHS) if (chars.length >= n) best = n;
  return best === null ? null : chars.slice(0, best).join('');
}

/** The re-check after decryption: every query word starts some word of the name. */
export function nameMatches(name: string, queryWords: readonly string[]): boolean {
  const words = searchWords(name);
  return queryWords.every((q) => words.some((w) => w.startsWith(q)));
}
