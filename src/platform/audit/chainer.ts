import { sql } from 'kysely';
import { assertUuid, type Database, type Trx } from '../db/database.js';
import { chainHash, fieldsOf, STORED_EVENT_COLUMNS, type StoredEventRow } from './encoding.js';
import './tables.js';

export interface ChainOptions {
  /** Events hashed and written per transaction (one function call each). */
  batchSize?: number;
  /** Stop after this many batches, so one busy workspace cannot starve the others. */
  maxBatches?: number;
}

export interface ChainResult {
  workspaceId: string;
  chained: number;
  headSeq: number;
}

const DEFAULT_BATCH = 5000;
const DEFAULT_MAX_BATCHES = 100;
const RETRIES = 5;

interface Head {
  seq: number;
  hash: Buffer;
}

/**
 * One batch in one transaction: lock the head (a second chainer queues here
 * rather than hashing the same events), read the oldest visible unchained
 * events, hash them in Node, and hand seq and hashes to
 * confidant_audit_chain(), which refuses anything but head+1, head+2, ...
 */
async function chainBatch(trx: Trx, workspaceId: string, batchSize: number): Promise<{ n: number; head: Head }> {
  const head = (await sql<Head>`select seq, hash from confidant_audit_lock_head()`.execute(trx)).rows[0];
  if (!head) throw new Error('audit chain head could not be locked');
  const rows = (
    await sql<StoredEventRow>`select ${STORED_EVENT_COLUMNS} from audit_events
      where workspace_id = ${workspaceId} and seq is null order by id limit ${batchSize}`.execute(trx)
  ).rows;
  if (rows.length === 0) return { n: 0, head };
  const hashes: Buffer[] = [];
  let prev = head.hash;
  rows.forEach((row, i) => {
    prev = chainHash(prev, fieldsOf(workspaceId, head.seq + i + 1, row));
    hashes.push(prev);
  });
  // Hashes travel as hex text: both drivers pass a text[] the same way.
  const r = await sql<{ seq: number }>`select confidant_audit_chain(${head.seq}, decode(${head.hash.toString('hex')}, 'hex'),
      ${rows.map((x) => x.id)}::bigint[],
      (select array_agg(decode(h, 'hex') order by i)
         from unnest(${hashes.map((h) => h.toString('hex'))}::text[]) with ordinality as t(h, i))) as seq`.execute(trx);
  return { n: rows.length, head: { seq: r.rows[0]?.seq ?? head.seq + rows.length, hash: prev } };
}

function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '40001';
}

/**
 * Chains a workspace's unchained events in the order they became visible
 * (insertion id among the committed ones). Safe to run from several processes:
 * they take turns on the workspace's chain-head row.
 */
export async function chainWorkspace(db: Database, workspaceId: string, options: ChainOptions = {}): Promise<ChainResult> {
  assertUuid(workspaceId, 'workspace id');
  const ws = workspaceId.toLowerCase();
  const batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH, 50_000));
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  let chained = 0;
  let headSeq = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { n, head } = await withRetry(() => db.withWorkspace(ws, (trx) => chainBatch(trx, ws, batchSize)));
    chained += n;
    headSeq = head.seq;
    if (n < batchSize) break;
  }
  return { workspaceId: ws, chained, headSeq };
}

async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= RETRIES) throw err;
    }
  }
}

export async function workspaceIds(db: Database): Promise<string[]> {
  const r = await db.withSystem((trx) => sql<{ id: string }>`select confidant_workspace_ids() as id`.execute(trx));
  return r.rows.map((x) => x.id);
}

/** One pass over every workspace; the recurring job calls this every few seconds. */
export async function chainAll(db: Database, options: ChainOptions = {}): Promise<ChainResult[]> {
  const results: ChainResult[] = [];
  for (const id of await workspaceIds(db)) results.push(await chainWorkspace(db, id, options));
  return results;
}

export interface UnchainedBacklog {
  count: number;
  oldestAt: Date | null;
  /** Seconds since the oldest unchained event, by the database's clock. */
  oldestAgeSeconds: number | null;
}

/** The unchained tail across workspaces, for the `confidant_audit_unchained_events` metric. */
export async function unchainedCount(db: Database): Promise<UnchainedBacklog> {
  const r = await db.withSystem((trx) =>
    sql<{ unchained: number; oldest_at: Date | string | null; oldest_age_seconds: number | null }>`
      select unchained, oldest_at, oldest_age_seconds from confidant_audit_unchained()`.execute(trx),
  );
  const row = r.rows[0];
  return {
    count: Number(row?.unchained ?? 0),
    oldestAt: row?.oldest_at ? new Date(row.oldest_at) : null,
    oldestAgeSeconds: row?.oldest_age_seconds ?? null,
  };
}
