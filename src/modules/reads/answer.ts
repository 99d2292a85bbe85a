/**
 * Every response that shows a person is a read (DESIGN.md data rule 8,
 * docs/reading-many-people.md), whatever its method: a GET, a PATCH that
 * echoes the record, a create, a merge. One rule in one place:
 *
 * - a route whose response schema carries a personal field declares the
 *   purpose of what it shows: `config: { permission, reads: 'crm.view' }`
 *   (refused at registration otherwise);
 * - its handler answers through `showing()`, which runs the work in the
 *   request's workspace transaction and records the people shown (budget,
 *   alert, audit with the purpose) before that transaction commits, so a 429
 *   leaves nothing changed;
 * - a declared route whose 2xx answer did not pass through `showing()` is a
 *   500, never an unrecorded answer.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { requireAuth, type AuthState } from '../../kernel/auth.js';
import { recordPersonalRead, type PersonalRead, type ReadPurpose } from './record.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The purpose under which this route's answer shows people; its handler answers through `showing()`. */
    reads?: ReadPurpose;
  }
}

/**
 * Names of response fields that hold a data subject's data: a contact's
 * fields, and the text sealed under their key in deals, notes, tasks and the
 * timeline. A response schema holding any of them, at any depth, shows people.
 * (`address` is left out: a company has one too, and a company is not a
 * person; a contact's answer is caught by its names.) Members' own `email` is
 * not here either: members are not the people the ledger counts.
 */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'firstName', 'lastName', 'emails', 'phones', 'bio', 'jobTitle', 'linkedinUrl', 'ip',
  'contactName', 'title', 'description', 'body', 'text',
]);

/** What a route answers and whom that answer shows. */
export interface Shown<T> {
  value: T;
  /** Every person whose data is in `value` (ids; empty when it shows nobody). */
  shown: readonly string[];
  /** This answer's purpose when it is not the route's declared one (a search on a list route). */
  purpose?: ReadPurpose;
  /** Further reads in the same answer under their own purpose (special-category values). */
  also?: readonly PersonalRead[];
}

const answered = new WeakSet<FastifyRequest>();

/**
 * Runs `fn` in the request's workspace transaction and, before it commits,
 * records the people its answer shows under the route's declared purpose.
 * The only way a route declaring `reads` answers.
 */
export async function showing<T>(ctx: AppContext, req: FastifyRequest, fn: (trx: Trx, auth: AuthState) => Promise<Shown<T>>): Promise<T> {
  const auth = requireAuth(req);
  const declared = req.routeOptions.config.reads;
  if (declared === undefined) throw new Error(`${String(req.routeOptions.method)} ${String(req.routeOptions.url)} answers with people but declares no reads purpose`);
  const value = await ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
    const out = await fn(trx, auth);
    const who = { auth, requestId: String(req.id) };
    await recordPersonalRead(ctx, trx, who, { subjectIds: out.shown, purpose: out.purpose ?? declared });
    for (const more of out.also ?? []) await recordPersonalRead(ctx, trx, who, more);
    return out.value;
  });
  answered.add(req);
  return value;
}

/** Every property name a JSON schema (or a zod schema) describes, at any depth. */
function propertyNames(schema: unknown, out = new Set<string>(), seen = new Set<unknown>()): Set<string> {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return out;
  seen.add(schema);
  if (schema instanceof z.ZodType) return propertyNames(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }), out, seen);
  const s = schema as Record<string, unknown>;
  if (s.properties && typeof s.properties === 'object') {
    for (const [name, sub] of Object.entries(s.properties)) {
      out.add(name);
      propertyNames(sub, out, seen);
    }
  }
  for (const key of ['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems', '$defs', 'definitions']) {
    const sub = s[key];
    if (Array.isArray(sub)) for (const x of sub) propertyNames(x, out, seen);
    else if (sub && typeof sub === 'object') {
      if (key === '$defs' || key === 'definitions') for (const x of Object.values(sub)) propertyNames(x, out, seen);
      else propertyNames(sub, out, seen);
    }
  }
  return out;
}

/** The personal fields a route's response schemas carry (any status), sorted; empty when it shows nobody. */
export function personalFieldsOf(route: Pick<RouteOptions, 'schema'>): string[] {
  const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response;
  if (!response) return [];
  const names = new Set<string>();
  for (const schema of Object.values(response)) propertyNames(schema, names);
  return [...names].filter((n) => PERSONAL_FIELDS.has(n)).sort();
}

/**
 * Installs the rule on `app`: a route registered from now on whose response
 * carries a personal field must declare `reads` (else the app does not
 * start), and a declared route's 2xx answer must have passed through
 * `showing()` (else a 500 instead of an unrecorded answer).
 */
export function installReadAnswerRule(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const fields = personalFieldsOf(route);
    if (fields.length > 0 && route.config?.reads === undefined) {
      throw new Error(`${String(route.method)} ${route.url} answers with personal fields (${fields.join(', ')}) but declares no reads purpose`);
    }
  });
  app.addHook('preSerialization', async (req, reply, payload) => {
    if (req.routeOptions.config.reads === undefined || reply.statusCode >= 300 || answered.has(req)) return payload;
    throw new Error(`${String(req.routeOptions.method)} ${String(req.routeOptions.url)} declares reads but answered without recording them`);
  });
}
