/**
 * Landing prepared batches in order, up to two at once (docs/imports.md "How
 * it runs"): while the database inserts one batch, the next is already being
 * sent on another connection. Each batch commits only after the one before
 * it (land.ts checks and moves the progress last). A batch lands alone when
 * it must see the one before it committed: a row repeats a person of a batch
 * still in flight, or the policy is `update` (two batches must not update
 * one contact at once), or duplicates are matched against the database
 * (each batch then holds the workspace's landing lock throughout), or the
 * database has one connection (PGlite).
 */
import type { AppContext } from '../../kernel/context.js';
import { KIND } from '../contacts/index.js';
import type { CsvRecord } from './csv-reader.js';
import { landBatch, resolveCompanies, type LandOutcome, type RunState } from './land.js';
import type { PreparedBatch } from './prepare.js';

type Ctx = Pick<AppContext, 'db' | 'vault' | 'now'>;

export interface ReadyBatch {
  records: CsvRecord[];
  nextLine: number;
  prepared: PreparedBatch;
}

interface Landing extends ReadyBatch {
  result: Promise<{ outcome: LandOutcome }>;
  /** The batch's email and phone index values (kind-tagged), until it commits. */
  values: Set<string>;
}

const valuesOf = (prepared: PreparedBatch): Set<string> => new Set(prepared.rows.flatMap((r) => r.lookups.map((l) => `${l.kind}:${l.value}`)));

export class LandingPipeline {
  private readonly landing: Landing[] = [];
  private lastCommitted: Promise<boolean> = Promise.resolve(true);
  /** Why the run stops, when a batch did not commit. */
  stopped: Exclude<LandOutcome, 'committed' | 'aborted'> | null = null;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly st: RunState,
    /** The line the next batch starts at once everything dispatched has committed. */
    public expected: number,
    private readonly concurrency: number,
    private readonly onCommitted: (b: ReadyBatch) => Promise<void>,
  ) {}

  /** Dispatches a batch (after the one before it); false once the run must stop (then `drain`). */
  async add(b: ReadyBatch): Promise<boolean> {
    if (this.stopped || this.failure) return false;
    await resolveCompanies(this.ctx, this.st, b.prepared.rows);
    const values = valuesOf(b.prepared);
    // Matching against the database, a batch holds the workspace's landing lock from its start (land.ts):
    // the next one must not take it first and then wait for this one to commit.
    const alone = this.concurrency <= 1 || this.st.options.duplicates === 'update'
      || (this.st.known === null && this.st.options.duplicates !== 'create')
      || this.landing.some((l) => [...values].some((v) => l.values.has(v)));
    while (this.landing.length > 0 && (alone || this.landing.length >= this.concurrency)) {
      if (!(await this.settleOldest())) return false;
    }
    const last = this.landing[this.landing.length - 1];
    const job = { expectedLine: last ? last.nextLine : this.expected, nextLine: b.nextLine, records: b.records, prepared: b.prepared, previous: this.lastCommitted };
    const result = landBatch(this.ctx, this.st, job);
    result.catch(() => {}); // settled in settleOldest; never an unhandled rejection meanwhile
    this.lastCommitted = result.then((r) => r.outcome === 'committed', () => false);
    this.landing.push({ ...b, result, values });
    return true;
  }

  /** Waits for every dispatched batch; throws a batch's error; false when the run must stop. */
  async drain(): Promise<boolean> {
    while (this.landing.length > 0) await this.settleOldest();
    if (this.failure) throw this.failure.error;
    return this.stopped === null;
  }

  private async settleOldest(): Promise<boolean> {
    const b = this.landing.shift()!;
    let outcome: LandOutcome;
    try {
      outcome = (await b.result).outcome;
    } catch (error) {
      this.failure ??= { error };
      return false;
    }
    if (outcome === 'aborted') return false; // the batch before it stopped the run already
    if (outcome !== 'committed') {
      this.stopped ??= outcome;
      return false;
    }
    // Later batches match duplicates against what this one committed (a file repeating a person).
    const known = this.st.known;
    if (known) for (const r of b.prepared.rows) for (const l of r.lookups) (l.kind === KIND.email ? known.email : known.phone).add(l.value);
    this.expected = b.nextLine;
    await this.onCommitted(b);
    return !this.stopped && !this.failure;
  }
}
