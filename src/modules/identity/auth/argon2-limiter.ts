import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../../kernel/context.js';
import { unavailable } from '../../../platform/errors.js';
import { hashPassword, verifyPassword } from '../members/users.js';

/**
 * A bound on concurrent argon2 work per process (THREATS.md "Brute force"):
 * each hash takes ≈ 19 MiB and ≈ 57 ms of a core, so a flood of sign-ins
 * could take both cores and the memory with them. Beyond the bound the
 * request is refused at once with 503 + Retry-After instead of queueing,
 * so a flood costs the attacker as much as it costs us.
 */
interface Limiter {
  active: number;
  max: number;
}

// One limiter per application context, i.e. per process in production
// (tests build several apps with different bounds in one process).
const limiters = new WeakMap<AppContext, Limiter>();

function limiterOf(ctx: AppContext): Limiter {
  let l = limiters.get(ctx);
  if (!l) {
    l = { active: 0, max: Math.max(1, ctx.config.argon2MaxConcurrent) };
    limiters.set(ctx, l);
  }
  return l;
}

const RETRY_AFTER_SECONDS = 1;

/** Takes a slot or throws 503; the caller must call the returned release exactly once. */
export function acquireArgon2Slot(ctx: AppContext): () => void {
  const l = limiterOf(ctx);
  if (l.active >= l.max) throw unavailable(RETRY_AFTER_SECONDS, 'The server is busy signing people in; try again shortly.');
  l.active += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    l.active -= 1;
  };
}

export async function withArgon2Slot<T>(ctx: AppContext, fn: () => Promise<T>): Promise<T> {
  const release = acquireArgon2Slot(ctx);
  try {
    return await fn();
  } finally {
    release();
  }
}

// A hash of a random password with the same parameters as real ones: unknown
// accounts verify against it, so they cost the same time as known ones.
let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}

/**
 * Verifies `password` against `passwordHash`, or against the dummy hash when
 * there is no account (the answer is then always false), inside a slot.
 */
export async function verifyBounded(ctx: AppContext, passwordHash: string | null, password: string): Promise<boolean> {
  const target = passwordHash ?? (await dummy());
  return withArgon2Slot(ctx, async () => {
    try {
      const ok = await verifyPassword(target, password);
      return ok && passwordHash !== null;
    } catch {
      // A malformed stored hash is a failed sign-in, not a 500 that tells the account apart.
      return false;
    }
  });
}

export function hashBounded(ctx: AppContext, password: string): Promise<string> {
  return withArgon2Slot(ctx, () => hashPassword(password));
}
