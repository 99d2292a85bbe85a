import type { AppContext } from '../../kernel/context.js';
import { auditRowsJson } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, tooManyRequests } from '../../platform/errors.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { recordOverrun, type BudgetOverrun } from './alert.js';
import { actorKey, recordRead, secondsUntilFits } from './ledger.js';

export type ReadPurpose =
  | 'crm.view'
  | 'crm.search'
  | 'crm.list'
  | 'crm.export'
  | 'crm.special_category'
  // Modules may declare their own purposes; the named ones keep autocompletion.
  | (string & {});

export interface ReadWho {
  auth: AuthState;
  requestId: string;
}

export interface PersonalRead {
  subjectIds: readonly string[];
  purpose: ReadPurpose;
  /** Audit action; default 'contact.read'. */
  action?: `${string}.${string}`;
}

/**
 * The 429 of a refused read. The refusal's audit event and alert cannot go in
 * the request's transaction (the 429 rolls it back), so they are written in a
 * transaction of their own, started at once; `settle()` waits for it (the
 * notifications module's onError hook does, so the record exists before the
 * client sees the 429). It never rejects: a failure is logged, ids only.
 */
export class ReadBudgetRefusal extends AppError {
  private readonly done: Promise<void>;

  constructor(retryAfterSeconds: number, work: () => Promise<void>, onFailure: (err: unknown) => void) {
    const base = tooManyRequests(
      retryAfterSeconds,
      'You have read more people this hour than this workspace allows. Try again later, or ask someone with the export permission.',
    );
    super(base.status, 'read-budget', base.title, base.detail, undefined, base.headers);
    this.done = Promise.resolve().then(work).catch(onFailure);
  }

  settle(): Promise<void> {
    return this.done;
  }
}

/**
 * Call inside the request's workspace transaction, BEFORE the data is
 * returned: one audit event listing every person shown, and the actor's read
 * budget. Throws 429 (problem + Retry-After) when an actor without
 * contacts:export passes the budget; the refused ids are not counted.
 */
export async function recordPersonalRead(ctx: AppContext, trx: Trx, who: ReadWho, read: PersonalRead): Promise<void> {
  const subjectIds = [...new Set(read.subjectIds.map((id) => id.toLowerCase()))];
  if (subjectIds.length === 0) return;
  const { auth } = who;
  const key = actorKey(auth);
  const now = ctx.now();
  const mayExceed = auth.permissions.has('contacts:export');
  const auditJson = auditRowsJson([{ action: read.action ?? 'contact.read', actor: auditActor(auth), subjectIds, purpose: read.purpose, requestId: who.requestId }]);
  const ledger = await recordRead(trx, { key, subjectIds, now, mayExceed, auditJson });
  if (ledger.distinct !== null && ledger.before !== null && ledger.distinct > ledger.budget) {
    const overrun: BudgetOverrun = { key, before: ledger.before, distinct: ledger.distinct, budget: ledger.budget, refused: !mayExceed, purpose: read.purpose, requestId: who.requestId, now };
    if (!mayExceed) throw await refusal(ctx, trx, auth, subjectIds, overrun);
    await recordOverrun(ctx, trx, auth, overrun);
  }
}

async function refusal(ctx: AppContext, trx: Trx, auth: AuthState, subjectIds: readonly string[], o: BudgetOverrun): Promise<ReadBudgetRefusal> {
  const retryAfter = await secondsUntilFits(trx, { key: o.key, subjectIds, now: o.now, excess: o.distinct - o.budget });
  return new ReadBudgetRefusal(
    retryAfter,
    () => ctx.db.withWorkspace(auth.workspaceId, (own) => recordOverrun(ctx, own, auth, o)),
    (err) => ctx.logger.error({ workspaceId: auth.workspaceId, requestId: o.requestId, error: errorName(err) }, 'read budget refusal was not recorded'),
  );
}

/** Only the error's class and code go to the log: database messages can quote values. */
function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${err.name}:${code}` : err.name;
  }
  return 'unknown';
}
