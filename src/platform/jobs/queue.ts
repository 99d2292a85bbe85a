import { sql } from 'kysely';
import type { Database, Trx } from '../db/database.js';
import { scrubPersonal } from '../logging.js';

/**
 * The job queue's data side: enqueueing in the caller's transaction, and the
 * operator's view of job state. Every call goes through the SECURITY DEFINER
 * functions of migration 0004: the app role has no privilege on `jobs`.
 */

export type JobState = 'queued' | 'running' | 'done' | 'failed';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed'];

/** A payload names things by id; it never carries personal data. */
export type JobPayloadValue = string | number | boolean | null | JobPayloadValue[];
export type JobPayload = Record<string, JobPayloadValue>;

export interface EnqueueOptions {
  kind: string;
  payload?: JobPayload;
  /** The job's workspace; must be the transaction's workspace. Null/absent: instance-wide. */
  workspaceId?: string | null;
  runAt?: Date;
  maxAttempts?: number;
  /** While a job with this key is queued or running, enqueueing another is a no-op. */
  dedupeKey?: string;
}

const KIND_RE = /^[a-z][a-z0-9_.:-]{0,99}$/;
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
const RECURRING_PREFIX = 'recurring:';

export function assertKind(kind: string): void {
  if (!KIND_RE.test(kind)) throw new Error(`job kind "${kind}" must match ${KIND_RE.source}`);
}

/**
 * A cheap guard for the "ids only" rule: payloads end up in operator listings
 * and in backups of an unencrypted table, so long free text and anything shaped
 * like an email address is refused at the door.
 */
export function assertIdsOnly(payload: JobPayload): void {
  const check = (v: JobPayloadValue, at: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => check(x, `${at}[${i}]`));
    if (typeof v === 'string' && (v.length > 200 || EMAIL_LIKE.test(v))) {
      throw new Error(`job payload field ${at} looks like personal data: payloads hold ids only`);
    }
  };
  for (const [k, v] of Object.entries(payload)) check(v, k);
}

/** Adds a job in `trx`: it runs only if the caller's transaction commits. Null when deduplicated. */
export async function enqueue(trx: Trx, options: EnqueueOptions): Promise<string | null> {
  assertKind(options.kind);
  const payload = options.payload ?? {};
  assertIdsOnly(payload);
  if (options.dedupeKey?.startsWith(RECURRING_PREFIX)) throw new Error('dedupe keys starting "recurring:" are reserved');
  const r = await sql<{ id: string | null }>`
    select confidant_job_enqueue(${options.kind}, ${JSON.stringify(payload)}::jsonb, ${options.workspaceId ?? null}::uuid,
      ${options.runAt ?? null}::timestamptz, ${options.maxAttempts ?? null}::integer, ${options.dedupeKey ?? null}, null) as id`.execute(trx);
  return r.rows[0]?.id ?? null;
}

/**
 * Text safe to store in `last_error` and show to operators: the message only
 * (no stack, no cause), scrubbed of anything shaped like an email, IP or
 * phone number, and truncated. Handlers must still throw messages without
 * personal values; this is the net under them, not the rule.
 */
export function safeErrorText(err: unknown): string {
  const raw = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : 'non-error thrown';
  const text = scrubPersonal(raw).replace(/\s+/g, ' ').trim() || 'error without message';
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseSeconds: 10, maxSeconds: 3600 };

/** When attempt number `attempt` (1-based, just failed) is retried: base·2^(attempt-1), capped. */
export function retryAt(now: Date, attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): Date {
  const seconds = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return new Date(now.getTime() + seconds * 1000);
}

export interface JobRecord {
  id: string;
  kind: string;
  payload: JobPayload;
  workspaceId: string | null;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

interface JobRow {
  id: string;
  kind: string;
  payload: JobPayload;
  workspace_id: string | null;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const toRecord = (r: JobRow): JobRecord => ({
  id: r.id,
  kind: r.kind,
  payload: r.payload,
  workspaceId: r.workspace_id,
  state: r.state,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  runAt: new Date(r.run_at),
  lockedBy: r.locked_by,
  lockedUntil: r.locked_until && new Date(r.locked_until),
  lastError: r.last_error,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  finishedAt: r.finished_at && new Date(r.finished_at),
});

export interface ListJobsOptions {
  state?: JobState;
  kind?: string;
  /** Only this workspace's jobs; absent: every job of the instance. */
  workspaceId?: string;
  limit?: number;
}

/** Newest first. Instance-wide unless a workspace is given. */
export async function listJobs(db: Database, options: ListJobsOptions = {}): Promise<JobRecord[]> {
  const run = (trx: Trx) =>
    sql<JobRow>`select * from confidant_job_list(${options.state ?? null}, ${options.kind ?? null}, ${options.limit ?? 100})`.execute(trx);
  const r = options.workspaceId ? await db.withWorkspace(options.workspaceId, run) : await db.withSystem(run);
  return r.rows.map(toRecord);
}

export interface JobCount {
  kind: string;
  state: JobState;
  count: number;
}

/** Jobs by kind and state, instance-wide (for the CLI and the queue-depth gauge). */
export async function jobCounts(db: Database): Promise<JobCount[]> {
  const r = await db.withSystem((trx) =>
    sql<{ kind: string; state: JobState; n: number }>`select kind, state, n from confidant_job_counts()`.execute(trx),
  );
  return r.rows.map((x) => ({ kind: x.kind, state: x.state, count: Number(x.n) }));
}

/** The same counts summed by state, every state present. */
export function countsByState(counts: readonly JobCount[]): Record<JobState, number> {
  const out: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const c of counts) out[c.state] += c.count;
  return out;
}

/** Requeues a failed job with fresh attempts. False if it is not failed (or a pending twin exists). */
export async function retryJob(db: Database, jobId: string, now: Date): Promise<boolean> {
  const r = await db.withSystem((trx) =>
    sql<{ ok: boolean }>`select confidant_job_retry(${jobId}::uuid, ${now}::timestamptz) as ok`.execute(trx),
  );
  return r.rows[0]?.ok === true;
}

/**
 * Deletes done jobs finished before `doneBefore` and failed ones before
 * `failedBefore`. The database never cuts later than its own now() minus
 * 7 days (done) or 30 days (failed) (migration 0025): a later cut-off asked
 * for here is clamped, so the app role cannot empty the queue's history.
 */
export async function purgeJobs(db: Database, doneBefore: Date, failedBefore: Date): Promise<number> {
  const r = await db.withSystem((trx) =>
    sql<{ n: number }>`select confidant_job_purge(${doneBefore}::timestamptz, ${failedBefore}::timestamptz) as n`.execute(trx),
  );
  return Number(r.rows[0]?.n ?? 0);
}
