import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import { tooManyRequests } from '../../platform/errors.js';

/**
 * Back-off against guessing (THREATS.md "Brute force"): failures are counted
 * per (scope, account, client address) and, more loosely, per (scope, client
 * address) so one address cannot spray many accounts. After a few free
 * failures each further one doubles the wait, up to a ceiling: a slow-down,
 * never a lock-out, and an attacker elsewhere cannot lock a member out.
 *
 * Counters live in the database (`auth_throttle`, through SECURITY DEFINER
 * functions) so every app process shares them. Keys are HMACs under a key-ring
 * purpose key: the table holds no email, no IP, and an unknown account is
 * counted exactly like a known one.
 */

export type ThrottleScope = 'sign_in' | 'totp' | 'recovery' | 'reset' | 'invite' | 'password';

export interface ThrottleInput {
  scope: ThrottleScope;
  /** Whatever names the target in this scope: a workspace slug and typed email, a user id, a token... */
  account: string;
  /** The client address (`req.ip`; Fastify honours TRUST_PROXY). */
  ip: string;
}

interface Policy {
  /** Failures allowed before the first wait. */
  free: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** Per (account, address): a member who mistypes a few times never notices. */
const ACCOUNT_POLICY: Policy = { free: 5, baseSeconds: 2, maxSeconds: 15 * 60 };
/** Per address across accounts: generous (offices share an address), still stops spraying. */
const ADDRESS_POLICY: Policy = { free: 50, baseSeconds: 2, maxSeconds: 15 * 60 };
/** A key quiet for this long starts from zero again. */
const FORGET_SECONDS = 24 * 3600;

const PURPOSE = 'auth-throttle';

function throttleKey(ctx: AppContext, parts: readonly string[]): Buffer {
  const mac = createHmac('sha256', ctx.keyring.purposeKey(PURPOSE));
  // Length-prefixed, so no two different part lists hash the same input.
  for (const p of parts) mac.update(`${Buffer.byteLength(p, 'utf8')}:${p}`, 'utf8');
  return mac.digest();
}

function keysOf(ctx: AppContext, input: ThrottleInput): { account: Buffer; address: Buffer } {
  return {
    account: throttleKey(ctx, ['account', input.scope, input.account, input.ip]),
    address: throttleKey(ctx, ['address', input.scope, input.ip]),
  };
}

/** Throws 429 with Retry-After while this (account, address) or this address is backing off. */
export async function throttleCheck(ctx: AppContext, input: ThrottleInput): Promise<void> {
  const { account, address } = keysOf(ctx, input);
  const now = ctx.now();
  const r = await ctx.db.withSystem((trx) =>
    sql<{ until: Date | null }>`select confidant_auth_throttle_check(array[${account}::bytea, ${address}::bytea], ${now}) as until`.execute(trx),
  );
  const until = r.rows[0]?.until;
  if (until && until > now) {
    throw tooManyRequests((until.getTime() - now.getTime()) / 1000, 'Too many failed attempts; try again later.');
  }
}

/** Counts a failed attempt for the (account, address) and for the address. */
export async function throttleFail(ctx: AppContext, input: ThrottleInput): Promise<void> {
  const { account, address } = keysOf(ctx, input);
  const now = ctx.now();
  await ctx.db.withSystem(async (trx) => {
    for (const [key, p] of [[account, ACCOUNT_POLICY], [address, ADDRESS_POLICY]] as const) {
      await sql`select confidant_auth_throttle_fail(${key}, ${now}, ${p.free}, ${p.baseSeconds}, ${p.maxSeconds}, ${FORGET_SECONDS})`.execute(trx);
    }
  });
}

/**
 * A success clears the (account, address) counter. The address counter stays:
 * one right guess must not wipe the record of spraying many other accounts.
 */
export async function throttleSuccess(ctx: AppContext, input: ThrottleInput): Promise<void> {
  const { account } = keysOf(ctx, input);
  await ctx.db.withSystem((trx) => sql`select confidant_auth_throttle_success(${account})`.execute(trx));
}

/**
 * Forgets counters untouched for a day (for a periodic job). Returns how many
 * went. The database clamps the cut-off to its own now() minus a day
 * (migration 0025), so no caller can wipe counters still in use.
 */
export async function purgeThrottle(ctx: AppContext): Promise<number> {
  const before = new Date(ctx.now().getTime() - FORGET_SECONDS * 1000);
  const r = await ctx.db.withSystem((trx) =>
    sql<{ n: string | number }>`select confidant_auth_throttle_purge(${before}) as n`.execute(trx),
  );
  return Number(r.rows[0]?.n ?? 0);
}
