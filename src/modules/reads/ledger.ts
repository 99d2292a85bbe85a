import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import type { Trx } from '../../platform/db/database.js';
import type { AuthState } from '../identity/auth-hook.js';
import { DEFAULT_READ_BUDGET_PER_HOUR } from '../workspaces/settings-service.js';

/** The rolling window of the read budget. */
export const WINDOW_MS = 3_600_000;

export interface ReadLedgerTable {
  workspace_id: string;
  actor_key: string;
  subject_id: string;
  last_read_at: Date;
}

export interface ReadAlertsTable {
  workspace_id: string;
  actor_key: string;
  alerted_at: Date;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    read_ledger: ReadLedgerTable;
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
  /** Distinct people in the window before this read. */
  before: number;
  /** Distinct people in the window, counting this read. */
  distinct: number;
  /** Whether this read's ids (and its audit event) were written: false when it would pass the budget and may not. */
  counted: boolean;
  /** The workspace's budget the read was measured against. */
  budget: number;
}

/**
 * One round trip (confidant_record_read, migration 0018): serializes the
 * actor's reads in the workspace (so parallel pages cannot each see the same
 * count and together run far past the budget), reads the budget, counts the
 * window with this read's ids added and — unless that passes the budget and
 * the actor may not — records the ids and appends `auditJson` (from
 * `auditRowsJson`). Ids travel as one array parameter.
 */
export async function recordRead(
  trx: Trx,
  input: { key: string; subjectIds: readonly string[]; now: Date; mayExceed: boolean; auditJson: string },
): Promise<LedgerOutcome> {
  const since = new Date(input.now.getTime() - WINDOW_MS);
  const r = await sql<{ n_before: number; n_after: number; counted: boolean; budget: number }>`
    select * from confidant_record_read(${input.key}, ${[...new Set(input.subjectIds)]}::uuid[], ${input.now}::timestamptz,
      ${since}::timestamptz, ${input.mayExceed}::boolean, ${DEFAULT_READ_BUDGET_PER_HOUR}::int, ${input.auditJson}::jsonb)`.execute(trx);
  const row = r.rows[0];
  if (!row) throw new Error('confidant_record_read returned no row');
  return { before: Number(row.n_before), distinct: Number(row.n_after), counted: row.counted, budget: Number(row.budget) };
}

/**
 * Seconds until enough of the window's reads age out for this read to fit:
 * the (excess)th oldest read not in this page leaves the window then. A page
 * larger than the whole budget never fits; it is told to wait the full hour.
 */
export async function secondsUntilFits(
  trx: Trx,
  input: { key: string; subjectIds: readonly string[]; now: Date; excess: number },
): Promise<number> {
  const since = new Date(input.now.getTime() - WINDOW_MS);
  const r = await sql<{ last_read_at: Date }>`
    select last_read_at from read_ledger
    where actor_key = ${input.key} and last_read_at > ${since} and not (subject_id = any(${[...input.subjectIds]}::uuid[]))
    order by last_read_at asc
    offset ${Math.max(0, input.excess - 1)} limit 1`.execute(trx);
  const t = r.rows[0]?.last_read_at;
  if (!t) return WINDOW_MS / 1000;
  return Math.max(1, Math.ceil((t.getTime() + WINDOW_MS - input.now.getTime()) / 1000));
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

/** Forgets ledger and alert rows older than the window, in every workspace (the hourly job). */
export async function purgeReadLedger(ctx: AppContext): Promise<number> {
  const before = new Date(ctx.now().getTime() - WINDOW_MS);
  const r = await ctx.db.withSystem((trx) =>
    sql<{ n: number | string }>`select confidant_read_ledger_purge(${before}) as n`.execute(trx),
  );
  return Number(r.rows[0]?.n ?? 0);
}
