import canonicalizeModule from 'canonicalize';

// The package is CommonJS with an ESM-style default in its types: under
// NodeNext the default import is module.exports, the function itself.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** RFC 8785 (JCS) encoding of a JSON value, as UTF-8 text. */
export function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON encoding');
  return text;
}
