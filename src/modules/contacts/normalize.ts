/**
 * Normalization feeds the blind indexes, so it is part of the API contract
 * (API.md "Normalization"): changing it orphans every stored index value.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Trimmed, NFC, lower-cased as a whole; no provider-specific rewriting. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** Deliberately loose: one @, something on each side, a dot in the domain, no spaces. */
export function isValidEmail(normalized: string): boolean {
  return normalized.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u.test(normalized);
}

/**
 * E.164, or null when invalid. A national number needs the workspace's default
 * country; without one only international (+...) numbers are valid.
 */
export function normalizePhone(raw: string, defaultCountry: string | null): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry ? { defaultCountry: defaultCountry as CountryCode } : undefined);
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

export function normalizeTag(tag: string): string {
  return tag.trim().normalize('NFC').toLowerCase();
}

/** A country as indexed (free text: "DE" and "Germany" are different values): trimmed, NFC, lower-cased. */
export function normalizeCountry(country: string): string {
  return country.trim().normalize('NFC').toLowerCase();
}

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\x00-\x7f]*$/;
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Accent-folded (NFKD, combining marks dropped), lower-cased words, split on
 * anything that is not a letter or a digit: "Zoë O'Brien-Núñez" → zoe, o, brien, nunez.
 */
export function foldWords(text: string): string[] {
  // ASCII is its own NFKD form without marks, and its letters and digits are [a-z0-9]: same words, faster.
  if (ASCII.test(text)) return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
  return foldWordsUnicode(text);
}

/** The general case of foldWords (exported for the test that the ASCII path agrees with it). */
export function foldWordsUnicode(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/**
 * Prefix lengths stored as search tokens. Fewer lengths than 2..6 keep the
 * token cost down (DESIGN.md rule 2 budget); a query word uses the longest
 * stored length that fits and candidates are re-checked after decryption.
 */
export const TOKEN_LENGTHS = [2, 3, 4, 6] as const;
export const MIN_QUERY_WORD = 2;

/** Code-point safe prefix (a word without surrogate pairs is one UTF-16 unit per code point). */
function prefix(word: string, length: number): string {
  return SURROGATE.test(word) ? Array.from(word).slice(0, length).join('') : word.slice(0, length);
}

function lengthOf(word: string): number {
  return SURROGATE.test(word) ? Array.from(word).length : word.length;
}

/** The stored prefixes of one searchable word. */
export function wordTokens(word: string): string[] {
  const n = lengthOf(word);
  return TOKEN_LENGTHS.filter((l) => l <= n).map((l) => prefix(word, l));
}

/** The stored token a query word is looked up by (its word is at least MIN_QUERY_WORD long). */
export function queryToken(word: string): string {
  const n = Math.min(lengthOf(word), 6);
  const fit = [...TOKEN_LENGTHS].reverse().find((l) => l <= n) ?? MIN_QUERY_WORD;
  return prefix(word, fit);
}

/** The query's words that can be searched (two characters or more), de-duplicated. */
export function queryWords(q: string): string[] {
  return [...new Set(foldWords(q).filter((w) => lengthOf(w) >= MIN_QUERY_WORD))];
}

/** True when every query word is a prefix of some searchable word (the post-decryption re-check). */
export function matchesAll(words: readonly string[], searchable: readonly string[]): boolean {
  return words.every((q) => searchable.some((w) => w.startsWith(q)));
}
