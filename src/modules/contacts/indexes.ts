/**
 * The blind values of a contact (docs/crm-contacts.md "Indexes"), pure: from
 * a record and the index functions of one key version. Emails and phones
 * become contact_lookup rows (exact lookups, duplicates); search tokens, tags
 * and country become `contacts.terms` (terms.ts). No database imports: an
 * import's worker threads load this.
 */
import { BlockPrf } from '../../platform/crypto/block-prf.js';
import { blindIndexWith, type BulkKeys } from '../../platform/crypto/bulk.js';
import { normalizeCountry, normalizeTag, wordTokens } from './normalize.js';
import { searchableWords, type ContactRecord } from './record.js';
import { termOf, valueOfIndex, workspaceTag } from './terms.js';

/** contact_lookup.kind */
export const KIND = { email: 1, phone: 2 } as const;
export type LookupKind = keyof typeof KIND;

/** HMAC blind indexes: names (HKDF labels) and widths. Changing either orphans stored values. */
export const INDEXES = {
  email: { name: 'contacts.email', bits: 32 },
  phone: { name: 'contacts.phone', bits: 32 },
  tag: { name: 'contacts.tag', bits: 32 },
  country: { name: 'contacts.country', bits: 32 },
} as const;
export type IndexKind = keyof typeof INDEXES;

/**
 * Search tokens: AES-CMAC of the word prefix (block-prf.ts), 20 bits. A new
 * label, not the HMAC tokens' `contacts.token`: one key, one algorithm.
 */
export const TOKEN_INDEX = { name: 'contacts.token.cmac', bits: 20 } as const;

/** Every index key a writer needs (for `Vault.bulkKeys`). */
export const INDEX_NAMES: readonly string[] = [...Object.values(INDEXES).map((i) => i.name), TOKEN_INDEX.name];

/** The country a segment's "country is" tests: the contact's country, else its address's; normalized. */
export function countryOf(record: ContactRecord): string | null {
  const raw = record.country ?? record.address?.country ?? null;
  const c = raw === null ? '' : normalizeCountry(raw);
  return c === '' ? null : c;
}

export interface Indexers {
  workspaceTag: number;
  index: Record<IndexKind, (normalized: string) => Buffer>;
  /** The token terms of one searchable word (its stored prefixes), memoized: names, domains and companies repeat. */
  wordTerms: (word: string) => readonly number[];
  /** The term of a tag or country (few distinct values), memoized. */
  valueTerm: (kind: 'tag' | 'country', normalized: string) => number;
}

/** Memo entries kept before starting afresh (a bulk import sees the same words again and again). */
const MEMO_LIMIT = 20_000;

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= MEMO_LIMIT) cache.clear();
      v = compute(key);
      cache.set(key, v);
    }
    return v;
  };
}

/** The same functions from bulk keys (import workers compute off the vault). */
export function indexersFromKeys(keys: Pick<BulkKeys, 'workspaceId' | 'indexKeys'>): Indexers {
  const fn = (k: IndexKind) => {
    const key = keys.indexKeys[INDEXES[k].name];
    if (!key) throw new Error(`no key for index ${INDEXES[k].name}`);
    return (normalized: string) => blindIndexWith(key, normalized, INDEXES[k].bits);
  };
  const tokenKey = keys.indexKeys[TOKEN_INDEX.name];
  if (!tokenKey) throw new Error('no key for the token index');
  const tag = workspaceTag(keys.workspaceId);
  const index = { email: fn('email'), phone: fn('phone'), tag: fn('tag'), country: fn('country') };
  const prf = new BlockPrf(tokenKey);
  const tagTerm = memo((t) => termOf(tag, 'tag', valueOfIndex(index.tag(t))));
  const countryTerm = memo((c) => termOf(tag, 'country', valueOfIndex(index.country(c))));
  return {
    workspaceTag: tag,
    index,
    wordTerms: memo((word) => prf.many(wordTokens(word), TOKEN_INDEX.bits).map((v) => termOf(tag, 'token', v))),
    valueTerm: (kind, normalized) => (kind === 'tag' ? tagTerm(normalized) : countryTerm(normalized)),
  };
}

export interface ContactIndexes {
  /** contact_lookup rows (kind, value), de-duplicated. */
  lookups: Array<{ kind: number; value: Buffer }>;
  /** contacts.terms, de-duplicated. */
  terms: number[];
}

/** A contact's blind values under `ix`. */
export function indexesOf(ix: Indexers, record: ContactRecord, companyName: string | null): ContactIndexes {
  const seen = new Set<string>();
  const lookups: ContactIndexes['lookups'] = [];
  const add = (kind: number, value: Buffer) => {
    const k = `${kind}:${value.toString('hex')}`;
    if (seen.has(k)) return;
    seen.add(k);
    lookups.push({ kind, value });
  };
  for (const e of record.emails) add(KIND.email, ix.index.email(e.address));
  for (const p of record.phones) add(KIND.phone, ix.index.phone(p.number));
  const terms = new Set<number>();
  for (const t of record.tags) terms.add(ix.valueTerm('tag', normalizeTag(t)));
  const country = countryOf(record);
  if (country !== null) terms.add(ix.valueTerm('country', country));
  for (const w of searchableWords(record, companyName)) for (const t of ix.wordTerms(w)) terms.add(t);
  return { lookups, terms: [...terms] };
}
