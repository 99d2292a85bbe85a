/**
 * Deterministic generated contacts for the 1M benchmarks: contact `i` is the
 * same in every thread and every run, so the loader's workers, the raw-COPY
 * baseline and the correctness check all agree without shipping records
 * between threads. Names carry accents on purpose (search folds them).
 */
import type { ParsedContactInput } from '../src/modules/contacts/schemas.js';

export const FIRST = [
  'Émile', 'Zoë', 'Björn', 'José', 'François', 'Łukasz', 'Søren', 'Ángel', 'Chloé', 'Renée', 'Anna', 'Maria', 'Jonas', 'Lena',
  'Mateo', 'Lucía', 'Noah', 'Emma', 'Liam', 'Olivia', 'Hugo', 'Inès', 'Jürgen', 'Małgorzata', 'Nikolaj', 'Åsa', 'Dorothée',
  'Ignacio', 'Paulina', 'Tomás', 'Zuzana', 'Ömer', 'Ayşe', 'Kenji', 'Yuki', 'Priya', 'Arjun', 'Fatima', 'Omar', 'Sofía',
  'Giulia', 'Luca', 'Marco', 'Chiara', 'Pieter', 'Sanne', 'Mikael', 'Ingrid', 'Håkon', 'Dagný', 'Thérèse', 'Benoît', 'Oskar',
  'Wiktoria', 'Jiří', 'Tereza', 'Nuno', 'Inês', 'Rafael', 'Camille', 'Gaël', 'Aurélie', 'Eoin', 'Siobhán', 'Seán', 'Marek',
];
export const LAST = [
  'Müller', 'Núñez', "O'Brien", 'García', 'Dvořák', 'Østergaard', 'Schäfer', 'Lefèvre', 'Kowalski', 'Nowak', 'Berg', 'Rossi',
  'Fernández', 'González', 'Martín', 'Jönsson', 'Håkansson', 'Wójcik', 'Novák', 'Černý', 'Dubois', 'Moreau', 'Çelik', 'Yılmaz',
  'Şahin', 'Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Nguyen', 'Tanaka', 'Suzuki', 'Patel', 'Sharma', 'Haddad',
  'Bianchi', 'Romano', 'Colombo', 'de Vries', 'van Dijk', 'Jansen', 'Nielsen', 'Hansen', 'Virtanen', 'Korhonen', 'Lindqvist',
  'Ó Súilleabháin', 'MacGiolla', 'Gröning', 'Weiß', 'Krüger', 'Hoffmann', 'Baptiste', 'Gauthier', 'Mercier', 'Pereira',
  'Gonçalves', 'Szabó', 'Tóth', 'Horváth', 'Popescu', 'Ionescu', 'Papadopoulos', 'Ivanova', 'Petrov', 'Zielińska', 'Ruiz',
];
export const DOMAINS = ['mail.example.org', 'post.example.net', 'inbox.example.com', 'correo.example.es', 'courriel.example.fr', 'posteo.example.de', 'web.example.it', 'email.example.pl'];
const CO_A = ['Nordwind', 'Azur', 'Brücke', 'Caldera', 'Delta', 'Élan', 'Fjord', 'Granit', 'Helix', 'Iris', 'Jade', 'Kiefer', 'Lumen', 'Mistral', 'Nébula', 'Orca', 'Pólux', 'Quarz', 'Ríos', 'Solène', 'Tundra', 'Umbra', 'Vértice', 'Wölfe', 'Xenon', 'Yaré', 'Zénith'];
const CO_B = ['Logistik', 'Consulting', 'Software', 'Foods', 'Énergie', 'Médical', 'Bau', 'Textil', 'Finanz', 'Robotics', 'Design', 'Verlag', 'Transportes', 'Industria', 'Analytics'];
const CO_C = ['GmbH', 'SA', 'SARL', 'Ltd', 'AB', 'Oy', 'S.p.A.', 'sp. z o.o.', 'BV', 'AG'];
export const TITLES = ['Head of Sales', 'Buyer', 'CTO', 'Office Manager', 'Account Executive', 'Procurement Lead', 'CEO', 'Engineer'];
const TAGS = ['customer', 'lead', 'partner', 'vip', 'newsletter'];
export const CITIES = ['Berlin', 'Zürich', 'Kraków', 'São Paulo', 'Malmö', 'Genève', 'Sevilla', 'Århus', 'Bordeaux', 'Porto'];

/** Small, fast, seedable PRNG (mulberry32): reproducible per contact index. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** ASCII local-part words (the way people actually write their addresses). */
export function asciiWord(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/ø/g, 'o').replace(/ß/g, 'ss').replace(/ı/g, 'i').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export function companyName(i: number): string {
  const r = rng(0x9e3779b9 ^ i);
  return `${pick(r, CO_A)} ${pick(r, CO_B)} ${pick(r, CO_C)}`;
}

export function companyCount(contacts: number): number {
  return Math.max(20, Math.ceil(contacts / 500));
}

export interface Generated {
  input: ParsedContactInput;
  /** Index into the workspace's generated companies, or null. */
  company: number | null;
}

/** Contact number `i` (unique email: the index is in the local part). */
export function generateContact(i: number, companies: number): Generated {
  const r = rng(i * 2654435761);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const email = `${asciiWord(first)}.${asciiWord(last)}.${i.toString(36)}@${pick(r, DOMAINS)}`;
  const german = r() < 0.5;
  // A bijection of i (7919 is prime to 10): every contact has its own number, so an import skips none as a duplicate.
  const digits = String((i * 7919 + 12_345) % 1e8).padStart(8, '0');
  r();
  // Mobile ranges libphonenumber accepts as valid (+49 151…, +33 6…).
  const phone = german ? `+49 151 ${digits}` : `+33 6 ${digits}`;
  const company = r() < 0.8 ? Math.floor(r() * companies) : null;
  const input: ParsedContactInput = {
    firstName: first,
    lastName: last,
    emails: [{ address: email, primary: true }],
    phones: [{ number: phone }],
    jobTitle: pick(r, TITLES),
    city: pick(r, CITIES),
    country: german ? 'DE' : 'FR',
    tags: r() < 0.3 ? [pick(r, TAGS)] : [],
    source: 'import',
    companyId: null,
    lawfulBasis: 'legitimate_interests',
  };
  return { input, company };
}
