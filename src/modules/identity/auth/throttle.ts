import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../../kernel/context.js';
import { tooManyRequests } from '../../../platform/errors.js';
import { addressGroup } from './client-address.js';

/**
 * Back-off against guessing (THREATS.md "Brute force"). Each failure counts
 * against several keys at once:
 * - (scope, account, client address): a member who mistypes a few times never
 *   notices, a guesser at one address soon waits;
 * - (scope, client address): one address cannot spray many accounts;
 * - (scope, account) alone, where the account names one: a guesser rotating
 *   through addresses still meets a ceiling on that account;
 * - (scope, session), for the 2FA challenge: one signed-in password gets few
 *   codes per session.
 * After a few free failures each further one doubles the wait, up to a
 * ceiling: a slow-down, never a lock-out. The account's own owner waits at
 * most the account ceiling's longest wait, then a right answer goes through.
 *
 * Client addresses are grouped as an attacker holds them: an IPv6 client by
 * its /64 (one host usually has the whole prefix), IPv4 as it is.
 *
 * Counters live in the database (`auth_throttle`, through SECURITY DEFINER
 * functions) so every app process shares them. Keys are HMACs under a key-ring
 * purpose key: the table holds no email, no IP, and an unknown account is
 * counted exactly like a known one.
 */

export type ThrottleScope = 'sign_in' | 'totp' | 'recovery' | 'reset' | 'reset_confirm' | 'invite' | 'password';

export interface ThrottleInput {
  scope: ThrottleScope;
  /** Whatever names the target in this scope: a workspace slug and typed email, a user id, a token... */
  account: string;
  /** The client address (`req.ip`; Fastify believes X-Forwarded-For only from TRUST_PROXY). */
  ip: string;
  /** The session making the attempt, where it has one (2FA): capped on its own too. */
  session?: string;
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
/** Per session, for the 2FA challenge: a stolen password gets few codes per sign-in. */
const SESSION_POLICY: Policy = { free: 5, baseSeconds: 30, maxSeconds: 15 * 60 };
/**
 * Per account across every address: wider than per (account, address), so
 * the owner on a phone and a laptop is not slowed by their own typos, and its
 * longest wait bounds how long the owner can be kept out by someone else.
 * Scopes whose `account` is a constant (invitation and reset-link guessing)
 * have none: there, an account-wide counter would slow everyone.
 */
const CEILINGS: Partial<Record<ThrottleScope, Policy>> = {
  sign_in: { free: 20, baseSeconds: 2, maxSeconds: 10 * 60 },
  totp: { free: 10, baseSeconds: 4, maxSeconds: 15 * 60 },
  recovery: { free: 10, baseSeconds: 4, maxSeconds: 15 * 60 },
  password: { free: 10, baseSeconds: 2, maxSeconds: 10 * 60 },
  // Every reset request counts (it sends mail): a few an hour per account, then waits.
  reset: { free: 5, baseSeconds: 60, maxSeconds: 60 * 60 },
};
/** A key quiet for this long starts from zero again. */
const FORGET_SECONDS = 24 * 3600;

const PURPOSE = 'auth-throttle';

/** TOTP codes and recovery codes are two doors to one factor: one account and session cap for both. */
function family(scope: ThrottleScope): string {
  return scope === 'totp' || scope === 'recovery' ? 'second_factor' : scope;
}

function throttleKey(ctx: AppContext, parts: readonly string[]): Buffer {
  const mac = createHmac('sha256', ctx.keyring.purposeKey(PURPOSE));
  // Length-prefixed, so no two different part lists hash the same input.
  for (const p of parts) mac.update(`${Buffer.byteLength(p, 'utf8')}:${p}`, 'utf8');
  return mac.digest();
}

interface Counter {
  key: Buffer;
  policy: Policy;
  /** A success clears it (the address counter stays: one right guess must not wipe a spray's record). */
  clearOnSuccess: boolean;
}

function countersOf(ctx: AppContext, input: ThrottleInput): Counter[] {
  const ip = addressGroup(input.ip);
  const counters: Counter[] = [
    { key: throttleKey(ctx, ['account', input.scope, input.account, ip]), policy: ACCOUNT_POLICY, clearOnSuccess: true },
    { key: throttleKey(ctx, ['address', input.scope, ip]), policy: ADDRESS_POLICY, clearOnSuccess: false },
  ];
  const ceiling = CEILINGS[input.scope];
  if (ceiling) {
    counters.push({ key: throttleKey(ctx, ['ceiling', family(input.scope), input.account]), policy: ceiling, clearOnSuccess: true });
  }
  if (input.session !== undefined) {
    counters.push({ key: throttleKey(ctx, ['session', family(input.scope), input.session]), policy: SESSION_POLICY, clearOnSuccess: true });
  }
  return counters;
}

/** Throws 429 with Retry-After while any of the attempt's counters is backing off. */
export async function throttleCheck(ctx: AppContext, input: ThrottleInput): Promise<void> {
  const keys = countersOf(ctx, input).map((c) => c.key);
  const now = ctx.now();
  const r = await ctx.db.withSystem((trx) =>
    sql<{ until: Date | null }>`select confidant_auth_throttle_check(array[${sql.join(keys.map((k) => sql`${k}::bytea`))}], ${now}) as until`.execute(trx),
  );
  const until = r.rows[0]?.until;
  if (until && until > now) {
    throw tooManyRequests((until.getTime() - now.getTime()) / 1000, 'Too many failed attempts; try again later.');
  }
}

/** Counts a failed attempt against each of its counters. */
export async function throttleFail(ctx: AppContext, input: ThrottleInput): Promise<void> {
  const counters = countersOf(ctx, input);
  const now = ctx.now();
  await ctx.db.withSystem(async (trx) => {
    for (const { key, policy: p } of counters) {
      await sql`select confidant_auth_throttle_fail(${key}, ${now}, ${p.free}, ${p.baseSeconds}, ${p.maxSeconds}, ${FORGET_SECONDS})`.execute(trx);
    }
  });
}

/**
 * A success clears the attempt's counters but the address's. The account
 * ceiling clears too: the owner who got in is not kept waiting on their next
 * typo; a guesser elsewhere meets the ceiling again after its free failures.
 */
export async function throttleSuccess(ctx: AppContext, input: ThrottleInput): Promise<void> {
  const keys = countersOf(ctx, input).filter((c) => c.clearOnSuccess).map((c) => c.key);
  await ctx.db.withSystem(async (trx) => {
    for (const key of keys) await sql`select confidant_auth_throttle_success(${key})`.execute(trx);
  });
}

export type QuotaName = 'reset_mail';

/**
 * Takes one unit of a per-account quota (at most `limit` in any `windowSeconds`),
 * whoever asks and from wherever. Returns false, and changes nothing, when
 * the quota is spent. Callers that must not tell (password reset) answer the
 * same either way.
 */
export async function takeQuota(
  ctx: AppContext,
  quota: { name: QuotaName; account: string; limit: number; windowSeconds: number },
): Promise<boolean> {
  const key = throttleKey(ctx, ['quota', quota.name, quota.account]);
  const now = ctx.now();
  const r = await ctx.db.withSystem((trx) =>
    sql<{ next: Date | null }>`select confidant_auth_quota_take(${key}, ${now}, ${quota.limit}, ${quota.windowSeconds}) as next`.execute(trx),
  );
  return (r.rows[0]?.next ?? null) === null;
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
