/**
 * Inputs for the fuzz walk (test/fuzz.test.ts): a seeded PRNG, the
 * operations of the OpenAPI document, a plausible body built from an
 * operation's schema, and malformed bodies, parameters and headers.
 */
import { randomUUID } from 'node:crypto';

/** mulberry32: small, seeded, good enough to pick inputs reproducibly. */
export function prng(seed: number): { next(): number; pick<T>(items: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/v1/contacts/{id}. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: JsonSchema | null;
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}

export function operationsOf(doc: unknown): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries((doc as OpenApi).paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return ops;
}

const STRING_SAMPLES = ['fuzz', 'EUR', 'fuzzkey', 'fuzz-slug', 'example.org', 'fuzz@example.org', '1', 'https://example.org/'];

function sampleString(s: JsonSchema, name: string): string {
  if (s.format === 'uuid') return randomUUID();
  if (s.format === 'date-time') return '2026-12-01T10:00:00.000Z';
  if (s.format === 'date') return '2026-12-01';
  if (s.format === 'email' || /email/i.test(name)) return 'fuzz@example.org';
  if (s.format === 'uri' || s.format === 'url') return 'https://example.org/';
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const hit = STRING_SAMPLES.find((x) => re.test(x) && x.length >= (s.minLength ?? 0));
    if (hit) return hit;
  }
  return 'fuzz'.padEnd(Math.max(4, s.minLength ?? 0), 'z');
}

/**
 * A body that passes the schema as far as a generator can tell: required
 * properties only, plus every property `ids` names (e.g. another workspace's
 * `contactId`). Not every body is valid (cross-field rules), which is fine.
 */
export function plausible(s: JsonSchema | undefined, ids: (name: string) => string | undefined = () => undefined, name = ''): unknown {
  if (!s) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives && alternatives.length > 0) return plausible(alternatives[0], ids, name);
  if (s.allOf && s.allOf.length > 0) return plausible(s.allOf[0], ids, name);
  const type = (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) ?? 'object';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(s.properties ?? {})) {
        const foreign = ids(key);
        if (foreign !== undefined) out[key] = child.type === 'array' ? [foreign] : foreign;
        else if ((s.required ?? []).includes(key)) out[key] = plausible(child, ids, key);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => plausible(s.items, ids, name));
    case 'string':
      return sampleString(s, name);
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/** Every string leaf of a body, as a path of keys. */
function stringPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function setAt(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), leaf);
  return copy;
}

const HUGE = 'x'.repeat(200_000);

function deep(levels: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) v = { a: v };
  return v;
}

/** Malformed bodies for a schema: wrong shapes, then the plausible body with one string made bad, then wrong types per property. */
export function malformedBodies(s: JsonSchema | null, rnd: ReturnType<typeof prng>): Array<{ label: string; payload: unknown }> {
  const base = plausible(s ?? { type: 'object' });
  const out: Array<{ label: string; payload: unknown }> = [
    { label: 'null', payload: null },
    { label: 'string', payload: 'just a string' },
    { label: 'number', payload: 42 },
    { label: 'array for object', payload: [base] },
    { label: 'deep nesting', payload: deep(200) },
    { label: 'NUL key', payload: { ...(base as object), ['k\u0000']: 1 } },
  ];
  const strings = stringPaths(base);
  for (const [label, leaf] of [['NUL', 'a\u0000b'], ['lone surrogate', 'a\ud800b'], ['huge string', HUGE], ['array for string', ['a']], ['object for string', { a: 1 }], ['number for string', 7]] as const) {
    if (strings.length === 0) break;
    const path = rnd.pick(strings);
    out.push({ label: `${label} at ${path.join('.')}`, payload: setAt(base, path, leaf) });
  }
  for (const [key, child] of Object.entries(s?.properties ?? {})) {
    const wrong = child.type === 'string' ? rnd.pick([12, true, [], {}, 'a\u0000']) : child.type === 'array' ? rnd.pick(['x', { a: 1 }, [null], Array.from({ length: 5000 }, () => 'x')]) : rnd.pick(['x', [], { a: 'b' }, -1, 1e308]);
    out.push({ label: `wrong type at ${key}`, payload: { ...(base as object), [key]: wrong } });
  }
  return out;
}

/** Path parameter values that are not ids. */
export const BAD_PARAMS = ['not-a-uuid', '%zz', '%FF%FE', 'x'.repeat(200), '%00', '00000000-0000-0000-0000-00000000000g', '..%2F..%2Fetc', '%C3%A9', '-1', randomUUID()];

/** Query values that are not what an operation expects. */
export const BAD_QUERY = ['%zz', '%00', 'x'.repeat(5000), '-1', '1e999', 'not-a-uuid', '%FF%FE', '[]'];

/** Header sets that are wrong for a JSON body. */
export const BAD_HEADERS: Array<{ label: string; headers: Record<string, string>; raw?: string }> = [
  { label: 'text/plain body', headers: { 'content-type': 'text/plain' }, raw: 'hello' },
  { label: 'form body', headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'a=1&b=%00' },
  { label: 'JSON that does not parse', headers: { 'content-type': 'application/json' }, raw: '{"a": nope' },
  { label: 'empty JSON body', headers: { 'content-type': 'application/json' }, raw: '' },
  { label: 'odd charset', headers: { 'content-type': 'application/json; charset=utf-7' }, raw: '{}' },
  { label: 'multipart without boundary', headers: { 'content-type': 'multipart/form-data' }, raw: '--x\r\n' },
  { label: 'long Idempotency-Key', headers: { 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(2000) }, raw: '{}' },
  { label: 'empty Idempotency-Key', headers: { 'content-type': 'application/json', 'idempotency-key': '' }, raw: '{}' },
  { label: 'Latin-1 Idempotency-Key', headers: { 'content-type': 'application/json', 'idempotency-key': 'cl\u00e9' }, raw: '{}' },
];
