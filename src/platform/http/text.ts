/**
 * Texts a request may carry (THREATS.md "Bad input"). PostgreSQL refuses a NUL
 * character in text ("invalid byte sequence for encoding UTF8: 0x00") and an
 * unpaired UTF-16 surrogate cannot be encoded as UTF-8 at all (the driver
 * would store U+FFFD instead), so neither ever reaches a service: the schema
 * type `text()` refuses them where a schema is written, and one guard
 * (`installTextGuard`) refuses them in every request's body, query and path
 * before any route's validation, so no route can forget it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, type FieldError } from '../errors.js';

// Without the `u` flag the regex sees UTF-16 code units: a high surrogate not
// followed by a low one, or a low one not preceded by a high one. NUL is the
// point of the rule, not a slip.
// eslint-disable-next-line no-control-regex
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting deeper than any request shape needs: refused before a recursive validator sees it. */
export const MAX_INPUT_DEPTH = 32;

export const UNSAFE_TEXT_MESSAGE = 'Contains a NUL character or an unpaired surrogate.';

export function isSafeText(value: string): boolean {
  return !UNSAFE.test(value);
}

/** A string that can be stored: no NUL, no unpaired surrogate. The one shared string type for stored texts. */
export function text() {
  return z.string().refine(isSafeText, UNSAFE_TEXT_MESSAGE);
}

/**
 * The first unsafe text (a value or a key) in `value`, or the first place
 * nested deeper than MAX_INPUT_DEPTH, as a field path ("body.stages.0.name").
 * Walks iteratively: a deep body must not exhaust the stack.
 */
export function findUnsafeInput(value: unknown, root: string): FieldError | null {
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [root] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isSafeText(v)) return { path: path.join('.'), message: UNSAFE_TEXT_MESSAGE };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length > MAX_INPUT_DEPTH) return { path: path.slice(0, 3).join('.'), message: `Nested deeper than ${MAX_INPUT_DEPTH} levels.` };
    if (Buffer.isBuffer(v)) continue;
    for (const [key, child] of Object.entries(v)) {
      if (!isSafeText(key)) return { path: path.join('.'), message: `A key here: ${UNSAFE_TEXT_MESSAGE}` };
      stack.push({ v: child, path: [...path, key] });
    }
  }
  return null;
}

function check(req: FastifyRequest): void {
  const parts: Array<[string, unknown]> = [['params', req.params], ['querystring', req.query], ['body', req.body]];
  for (const [root, value] of parts) {
    const bad = findUnsafeInput(value, root);
    if (bad) throw badRequest('The request has text that cannot be stored.', [bad]);
  }
}

/** Every route, whatever its schema: the guard runs before validation. */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    check(req);
  });
}
