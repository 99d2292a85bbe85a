import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import {
  assertKind,
  DEFAULT_BACKOFF,
  retryAt,
  safeErrorText,
  type BackoffPolicy,
  type JobPayload,
} from './queue.js';

/** What a handler is told about the job it runs. */
export interface JobContext {
  id: string;
  kind: string;
  payload: JobPayload;
  workspaceId: string | null;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  /** The runner's clock for this run (DESIGN rule 7). */
  now: Date;
  /** When a failure of this attempt would be retried; null on the last attempt. */
  retryAt: Date | null;
}

/**
 * A handler runs outside any transaction and opens its own short ones
 * (db.withWorkspace). It must be idempotent: after a crash it may run again.
 * Its error message is stored in `last_error` for operators: throw messages
 * that name ids and reasons, never personal values.
 */
export type JobHandler = (ctx: JobContext) => Promise<void>;

/** Thrown by a handler when retrying cannot help: the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface JobRunnerOptions {
  /** Identifies this worker in `locked_by`; default host:pid:random. */
  workerId?: string;
  pollIntervalMs?: number;
  /** Jobs claimed (and run concurrently) per round. */
  batchSize?: number;
  /** How long a claim holds before another worker may take the job over. */
  leaseSeconds?: number;
  backoff?: BackoffPolicy;
  /** Told about handler failures and loop errors; messages are already scrubbed. */
  onError?: (info: { kind: string; jobId: string | null; message: string }) => void;
}

export interface RunReport {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Finished after another worker took the job over (lease ran out): not recorded. */
  lost: number;
}

interface ClaimedRow {
  id: string;
  kind: string;
  payload: JobPayload;
  workspace_id: string | null;
  attempts: number;
  max_attempts: number;
}

type Outcome = 'done' | 'retried' | 'failed' | 'lost';

/**
 * Claims due jobs through `confidant_job_claim` (FOR UPDATE SKIP LOCKED), runs
 * their handlers, and records the outcome. Claiming, running and completing
 * are separate short transactions: on PGlite's single connection a handler
 * that held the claim's transaction open while doing its own queries would
 * wait for itself.
 */
export class JobRunner {
  readonly workerId: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly schedules = new Map<string, number>();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseSeconds: number;
  private readonly backoff: BackoffPolicy;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 4;
    this.leaseSeconds = options.leaseSeconds ?? 300;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  register(kind: string, handler: JobHandler): this {
    assertKind(kind);
    if (this.handlers.has(kind)) throw new Error(`a handler for ${kind} is already registered`);
    this.handlers.set(kind, handler);
    return this;
  }

  /**
   * Runs `kind` every `everySeconds`, one pending instance across all
   * processes (the dedupe key `recurring:<kind>`). The next run is due
   * `everySeconds` after the previous one finished.
   */
  schedule(kind: string, everySeconds: number): this {
    assertKind(kind);
    if (!Number.isInteger(everySeconds) || everySeconds < 1) throw new Error('everySeconds must be a positive integer');
    this.schedules.set(kind, everySeconds);
    return this;
  }

  /** Makes sure each scheduled kind has its one pending instance (idempotent, concurrency-safe). */
  async ensureSchedules(now: Date): Promise<void> {
    if (this.schedules.size === 0) return;
    await this.db.withSystem(async (trx) => {
      for (const [kind, every] of this.schedules) {
        await sql`select confidant_job_schedule(${kind}, ${every}::integer, ${now}::timestamptz)`.execute(trx);
      }
    });
  }

  /** One round: claims due jobs this runner has handlers for, runs them, records outcomes. */
  async runOnce(now: Date): Promise<RunReport> {
    const report: RunReport = { claimed: 0, done: 0, retried: 0, failed: 0, lost: 0 };
    // Every round, not only at start: a purged or failed recurring instance is replaced.
    await this.ensureSchedules(now);
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return report;
    const claimed = await this.db.withSystem((trx) =>
      sql<ClaimedRow>`select * from confidant_job_claim(${this.workerId}, ${now}::timestamptz,
        ${this.leaseSeconds}::integer, ${this.batchSize}::integer, ${kinds}::text[])`.execute(trx),
    );
    report.claimed = claimed.rows.length;
    if (report.claimed === 0) return report;
    const startedReal = Date.now();
    const clock = () => new Date(now.getTime() + (Date.now() - startedReal));
    const heartbeat = this.startHeartbeat(
      claimed.rows.map((r) => r.id),
      clock,
    );
    try {
      const outcomes = await Promise.all(claimed.rows.map((row) => this.runJob(row, now, clock)));
      for (const o of outcomes) report[o] += 1;
    } finally {
      clearInterval(heartbeat);
    }
    return report;
  }

  /** Polls until stop(). A full batch means more may be due, so the next round starts at once. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops polling and waits for the handlers that are running to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let full = false;
      try {
        const r = await this.runOnce(new Date());
        full = r.claimed >= this.batchSize;
      } catch (err) {
        this.options.onError?.({ kind: 'runner', jobId: null, message: safeErrorText(err) });
      }
      if (!full && !this.stopping) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async runJob(row: ClaimedRow, now: Date, clock: () => Date): Promise<Outcome> {
    const handler = this.handlers.get(row.kind);
    const last = row.attempts >= row.max_attempts;
    const ctx: JobContext = {
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      workspaceId: row.workspace_id,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      now,
      retryAt: last ? null : retryAt(now, row.attempts, this.backoff),
    };
    try {
      if (!handler) throw new PermanentJobError(`no handler for ${row.kind}`);
      await handler(ctx);
    } catch (err) {
      return this.recordFailure(row, err, clock(), ctx.retryAt);
    }
    const ok = await this.db.withSystem((trx) =>
      sql<{ ok: boolean }>`select confidant_job_complete(${row.id}::uuid, ${this.workerId}, ${clock()}::timestamptz) as ok`.execute(trx),
    );
    return ok.rows[0]?.ok === true ? 'done' : 'lost';
  }

  private async recordFailure(row: ClaimedRow, err: unknown, at: Date, retry: Date | null): Promise<Outcome> {
    const message = safeErrorText(err);
    this.options.onError?.({ kind: row.kind, jobId: row.id, message });
    const permanent = err instanceof PermanentJobError;
    const r = await this.db.withSystem((trx) =>
      sql<{ state: string | null }>`select confidant_job_fail(${row.id}::uuid, ${this.workerId}, ${at}::timestamptz,
        ${message}, ${retry ?? at}::timestamptz, ${permanent}) as state`.execute(trx),
    );
    const state = r.rows[0]?.state ?? null;
    if (state === null) return 'lost';
    return state === 'failed' ? 'failed' : 'retried';
  }

  /** Keeps the lease of long handlers alive, on the runner's clock. */
  private startHeartbeat(ids: string[], clock: () => Date): NodeJS.Timeout {
    const everyMs = Math.max(1000, (this.leaseSeconds * 1000) / 3);
    const timer = setInterval(() => {
      const until = new Date(clock().getTime() + this.leaseSeconds * 1000);
      this.db
        .withSystem((trx) =>
          sql`select confidant_job_heartbeat(${ids}::uuid[], ${this.workerId}, ${until}::timestamptz)`.execute(trx),
        )
        .catch((err: unknown) => this.options.onError?.({ kind: 'heartbeat', jobId: null, message: safeErrorText(err) }));
    }, everyMs);
    timer.unref();
    return timer;
  }
}
