/**
 * A file shaped like the ones people really import (issue #16): few distinct
 * words — 30 first names, 30 last names, 50 companies, 12 cities — so each
 * search word is held by tens of thousands of people at a million rows, and
 * about 0.5 % of rows sharing a phone with an earlier row (the same person
 * entered twice with another address; the import skips them as duplicates).
 * Deterministic per row index, like contacts-gen.ts, so the end check can
 * regenerate any row.
 */
import { asciiWord, CITIES, companyName, DOMAINS, FIRST, LAST, pick, rng, TITLES } from './contacts-gen.js';

const FIRST_30 = FIRST.slice(0, 30);
const LAST_30 = LAST.slice(0, 30);
const CITIES_12 = [...CITIES, 'Lyon', 'Hamburg'];

/** 50 distinct company names (the generator's names, skipping repeats). */
const COMPANIES_50: string[] = (() => {
  const out = new Set<string>();
  for (let i = 0; out.size < 50; i++) out.add(companyName(i));
  return [...out];
})();

/** Share of rows whose phone is an earlier row's. */
export const SHARED_PHONE = 0.005;

export interface RealisticRow {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  jobTitle: string;
  company: string;
  city: string;
  country: string;
  /** This row's phone is an earlier row's: the import skips it as a duplicate. */
  sharesPhone: boolean;
}

const ownPhone = (i: number, german: boolean): string => {
  // A bijection of i, as in contacts-gen.ts: rows not sharing have their own number.
  const digits = String((i * 7919 + 12_345) % 1e8).padStart(8, '0');
  return german ? `+49 151 ${digits}` : `+33 6 ${digits}`;
};

/** Row i's phone: its own, or (SHARED_PHONE of rows) the phone an earlier row really has. */
function phoneOf(i: number): { phone: string; shared: boolean } {
  const r = rng(i * 40503 + 17);
  const german = r() < 0.5;
  if (i > 0 && r() < SHARED_PHONE) return { phone: phoneOf(Math.floor(r() * i)).phone, shared: true };
  return { phone: ownPhone(i, german), shared: false };
}

export function realisticRow(i: number): RealisticRow {
  const r = rng(i * 2654435761 + 1);
  const first = pick(r, FIRST_30);
  const last = pick(r, LAST_30);
  const { phone, shared } = phoneOf(i);
  return {
    firstName: first,
    lastName: last,
    // Unique per row (the index, base 36, is a word of its own), like contacts-gen.ts.
    email: `${asciiWord(first)}.${asciiWord(last)}.${i.toString(36)}@${pick(r, DOMAINS)}`,
    phone,
    jobTitle: pick(r, TITLES),
    company: r() < 0.8 ? pick(r, COMPANIES_50) : '',
    city: pick(r, CITIES_12),
    country: phone.startsWith('+49') ? 'DE' : 'FR',
    sharesPhone: shared,
  };
}
