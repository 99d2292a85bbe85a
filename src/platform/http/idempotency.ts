/**
 * Idempotency-Key on creates (API.md "Conventions"; docs/crm-segments-and-merge.md).
 * Only the created resource's id and status are kept, never the response:
 * a create's answer holds personal data, and a replay re-reads the resource
 * through the route's own read (so it is audited as a read, and an erased
 * resource is not resurrected from a cache). The body is compared by a keyed
 * hash under the workspace key, so the table does not confirm guessed values.
 */
import { sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jcs } from '../audit/jcs.js';
import type { Vault } from '../crypto/index.js';
import type { Database, Trx } from '../db/database.js';
import { AppError, badRequest } from '../errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const REPLAYED_HEADER = 'idempotent-replayed';
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyActor {
  workspaceId: string;
  kind: 'session' | 'token';
  userId: string | null;
  tokenId: string | null;
}

export interface IdempotentCreate<T> {
  /** Names the operation in the hash, so one key cannot replay another route's create. */
  route: string;
  /** The parsed body; a replay must send the same (canonical JSON compared). */
  body: unknown;
  create: () => Promise<{ id: string; status: number; value: T }>;
  /** Reads the created resource as the route's GET would (and records that read). */
  replay: (id: string) => Promise<T>;
}

export interface IdempotentResult<T> {
  status: number;
  value: T;
  replayed: boolean;
}

export const keyReused = (): AppError =>
  new AppError(422, 'idempotency-key-reused', 'Idempotency key reused', 'This Idempotency-Key was used for another request; use a new key for a new request.');

function actorKeyOf(a: IdempotencyActor): string {
  if (a.kind === 'token' && a.tokenId) return `token:${a.tokenId}`;
  if (a.userId) return `user:${a.userId}`;
  throw new Error('an idempotent create without an actor');
}

/** The request's Idempotency-Key, or null; a malformed one is a 400. */
export function idempotencyKeyOf(req: FastifyRequest): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !KEY_RE.test(raw)) {
    throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', [{ path: 'headers.idempotency-key', message: 'Invalid key.' }]);
  }
  return raw;
}

/**
 * Runs a create at most once per (actor, key) within 24 h, inside the
 * caller's workspace transaction. Without a key it just creates.
 */
export async function idempotentCreate<T>(
  ctx: { vault: Vault; now: () => Date }, trx: Trx, req: FastifyRequest, actor: IdempotencyActor, op: IdempotentCreate<T>,
): Promise<IdempotentResult<T>> {
  const key = idempotencyKeyOf(req);
  if (key === null) return { ...(await op.create()), replayed: false };
  const ws = actor.workspaceId;
  const actorKey = actorKeyOf(actor);
  const material = jcs({ route: op.route, body: op.body });
  const hash = await ctx.vault.keyedHash(trx, ws, 'idempotency', material);
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const claimed = await sql<{ one: number }>`
    insert into idempotency_keys (workspace_id, actor_key, key, request_hash, status, resource_id, created_at)
    values (${ws}, ${actorKey}, ${key}, ${hash}, 0, null, ${now})
    on conflict (workspace_id, actor_key, key) do update
      set request_hash = excluded.request_hash, status = 0, resource_id = null, created_at = excluded.created_at
      where idempotency_keys.created_at <= ${cutoff}
    returning 1 as one`.execute(trx);
  if (claimed.rows.length === 1) {
    const made = await op.create();
    await sql`update idempotency_keys set status = ${made.status}, resource_id = ${made.id}
      where workspace_id = ${ws} and actor_key = ${actorKey} and key = ${key}`.execute(trx);
    return { ...made, replayed: false };
  }
  const [first] = (await sql<{ request_hash: Buffer; status: number; resource_id: string | null }>`
    select request_hash, status, resource_id from idempotency_keys
    where workspace_id = ${ws} and actor_key = ${actorKey} and key = ${key}`.execute(trx)).rows;
  // During a key rotation the stored hash may be under the previous version.
  const candidates = await ctx.vault.keyedHashCandidates(trx, ws, 'idempotency', material);
  if (!first || first.resource_id === null || !candidates.some((c) => c.equals(first.request_hash))) throw keyReused();
  return { status: first.status, value: await op.replay(first.resource_id), replayed: true };
}

/** Sends an idempotent create's answer: its status, with `Idempotent-Replayed: true` on a replay. */
export function sendCreated<T>(reply: FastifyReply, result: IdempotentResult<T>): FastifyReply {
  if (result.replayed) void reply.header(REPLAYED_HEADER, 'true');
  return reply.status(result.status).send(result.value);
}

/**
 * Deletes the rows that no longer answer (older than 24 h at `now`) in every
 * workspace, through a SECURITY DEFINER function (the hourly job
 * `http.idempotency_purge`). A key used again after that creates anew, as it
 * would with the row still there. Returns how many rows went. The database
 * never cuts later than its own now() minus 24 hours (migration 0025).
 */
export async function purgeIdempotencyKeys(db: Database, now: Date): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const r = await db.withSystem((trx) => sql<{ n: number | string }>`select confidant_idempotency_purge(${before}) as n`.execute(trx));
  return Number(r.rows[0]?.n ?? 0);
}
