import { sql } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import type { AuthState } from '../../kernel/auth.js';
import { DEFAULT_READ_BUDGET_PER_HOUR } from '../workspaces/index.js';

/** The rolling window of the read budget. */
export const WINDOW_MS = 3_600_000;
/**
 * The window is counted by whole minutes (migration 0026): it starts at the
 * beginning of the minute that holds `now - WINDOW_MS`, so a person counts for
 * 60 to 61 minutes after their last read.
 */
export const WINDOW_STEP_MS = 60_000;

/** The start of the minute holding `ms` (the SQL function's date_bin: its origin is a whole minute of the epoch). */
function stepStart(ms: number): number {
  return ms - (((ms % WINDOW_STEP_MS) + WINDOW_STEP_MS) % WINDOW_STEP_MS);
}

/** Where the window of a read at `now` starts. */
export function windowStart(now: Date): Date {
  return new Date(stepStart(now.getTime() - WINDOW_MS));
}

export interface ReadLedgerTable {
  workspace_id: string;
  actor_key: string;
  subject_id: string;
  last_read_at: Date;
}

/** How many of an actor's ledger rows were last read in each minute: the window is their sum (migration 0026). */
export interface ReadWindowCountsTable {
  workspace_id: string;
  actor_key: string;
  minute: Date;
  people: number;
}

export interface ReadAlertsTable {
  workspace_id: string;
  actor_key: string;
  alerted_at: Date;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    read_ledger: ReadLedgerTable;
    read_window_counts: ReadWindowCountsTable;
    read_alerts: ReadAlertsTable;
  }
}

/**
 * Whose budget a read counts against: the member, whichever credential they
 * use — a session or any token they made (the auth hook sets a token's userId
 * to its maker), so making more tokens does not multiply the budget. A token
 * the operator made from the CLI has no member and keeps a budget of its own.
 * The audit trail still names the credential that read (auditActor).
 */
export function actorKey(auth: AuthState): string {
  if (auth.userId) return `user:${auth.userId}`;
  if (auth.kind === 'token' && auth.tokenId) return `token:${auth.tokenId}`;
  throw new Error('a read without an actor');
}

export interface LedgerOutcome {
  /**
   * Distinct people in the window before this read; null when not counted
   * (the actor may exceed the budget and was already alerted this hour, so
   * no alert could follow).
   */
  before: number | null;
  /** Distinct people in the window, counting this read; null when not counted. */
  distinct: number | null;
  /** Whether this read's ids (and its audit event) were written: false when it would pass the budget and may not. */
  counted: boolean;
  /** The workspace's budget the read was measured against. */
  budget: number;
}

/**
 * One round trip (confidant_record_read, migrations 0018 and 0026):
 * serializes the actor's reads in the workspace (so parallel pages cannot
 * each see the same count and together run far past the budget), reads the
 * budget, counts the window with this read's ids added — from per-minute
 * counts, so the cost does not grow with the window — and, unless that passes
 * the budget and the actor may not, records the ids and appends `auditJson`
 * (from `auditRowsJson`). Ids travel as one array parameter.
 */
export async function recordRead(
  trx: Trx,
  input: { key: string; subjectIds: readonly string[]; now: Date; mayExceed: boolean; auditJson: string },
): Promise<LedgerOutcome> {
  const since = new Date(input.now.getTime() - WINDOW_MS);
  const r = await sql<{ n_before: number | null; n_after: number | null; counted: boolean; budget: number }>`
    select * from confidant_record_read(${input.key}, ${[...new Set(input.subjectIds)]}::uuid[], ${input.now}::timestamptz,
      ${since}::timestamptz, ${input.mayExceed}::boolean, ${DEFAULT_READ_BUDGET_PER_HOUR}::int, ${input.auditJson}::jsonb)`.execute(trx);
  const row = r.rows[0];
  if (!row) throw new Error('confidant_record_read returned no row');
  const count = (n: number | null) => (n === null ? null : Number(n));
  return { before: count(row.n_before), distinct: count(row.n_after), counted: row.counted, budget: Number(row.budget) };
}

/**
 * Seconds until enough of the window's reads age out for this read to fit:
 * the (excess)th oldest read not in this page leaves the window at the end
 * of the minute that begins an hour after it (the window moves by minutes).
 * A page larger than the whole budget never fits; it is told to wait the full
 * hour. Only refusals ask, and the index on (actor, last_read_at) walks
 * `excess` rows, not the window.
 */
export async function secondsUntilFits(
  trx: Trx,
  input: { key: string; subjectIds: readonly string[]; now: Date; excess: number },
): Promise<number> {
  const r = await sql<{ last_read_at: Date }>`
    select last_read_at from read_ledger
    where actor_key = ${input.key} and last_read_at >= ${windowStart(input.now)} and not (subject_id = any(${[...input.subjectIds]}::uuid[]))
    order by last_read_at asc
    offset ${Math.max(0, input.excess - 1)} limit 1`.execute(trx);
  const t = r.rows[0]?.last_read_at;
  if (!t) return WINDOW_MS / 1000;
  const leaves = stepStart(t.getTime()) + WINDOW_STEP_MS + WINDOW_MS;
  return Math.max(1, Math.ceil((leaves - input.now.getTime()) / 1000));
}

/** Claims this hour's alert for the actor: true for the first claim in an hour, false after. */
export async function claimAlert(trx: Trx, key: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const r = await sql`
    insert into read_alerts (workspace_id, actor_key, alerted_at)
    values (confidant_current_workspace(), ${key}, ${now})
    on conflict (workspace_id, actor_key) do update set alerted_at = excluded.alerted_at
    where read_alerts.alerted_at <= ${since}
    returning 1`.execute(trx);
  return r.rows.length > 0;
}

/**
 * Forgets ledger, count and alert rows older than the window (and a few
 * minutes), in every workspace (the hourly job). The cut-off is the
 * database's clock, never the caller's (migration 0026).
 */
export async function purgeReadLedger(ctx: AppContext): Promise<number> {
  const r = await ctx.db.withSystem((trx) => sql<{ n: number | string }>`select confidant_read_ledger_purge() as n`.execute(trx));
  return Number(r.rows[0]?.n ?? 0);
}
