import type { AppContext } from '../../kernel/context.js';
import { auditId, recordAudit } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { actorLabels } from '../identity/index.js';
import { auditActor, type AuthState } from '../../kernel/auth.js';
import { claimAlert } from './ledger.js';
import { notifyMembers } from './notifications.js';

export const READ_BUDGET_KIND = 'read_budget_exceeded';

/** An actor going past the read budget, as the audit event and the alert describe it (counts only). */
export interface BudgetOverrun {
  key: string;
  /** Distinct people read in the hour before this read. */
  before: number;
  /** Distinct people the hour would hold with this read. */
  distinct: number;
  budget: number;
  /** True when this read was refused (429) and not counted. */
  refused: boolean;
  purpose: string;
  requestId: string;
  now: Date;
}

/**
 * Who read, in words owners recognise: the member's email (with the token
 * they used, if any: a member's tokens share their budget) or the operator
 * token's name. Only for the sealed mail.
 */
async function actorLabel(ctx: AppContext, trx: Trx, auth: AuthState): Promise<string> {
  const { member, token } = await actorLabels(ctx, trx, auth);
  if (token === null) return member ?? 'A member';
  return member ? `${member} (last through the API token "${token}", counting every session and token of theirs)` : `The operator's API token "${token}"`;
}

/** The member whose budget a token's read counted against, when the actor is not that member itself. */
function budgetMember(auth: AuthState): { memberId: string } | Record<string, never> {
  return auth.kind === 'token' && auth.userId ? { memberId: auth.userId } : {};
}

function auditMember(auth: AuthState): { memberId: ReturnType<typeof auditId> } | Record<string, never> {
  return auth.kind === 'token' && auth.userId ? { memberId: auditId(auth.userId) } : {};
}

function mailText(label: string, o: BudgetOverrun): string {
  const what = o.refused
    ? `${label} had read ${o.before} distinct people in the hour up to ${o.now.toISOString()} and asked for more, ` +
      `which would have made ${o.distinct}, past this workspace's budget of ${o.budget} people per hour. ` +
      'That read was refused: their role does not hold the export permission, and paging through the API is an export by other means.'
    : `${label} read ${o.distinct} distinct people in the hour up to ${o.now.toISOString()}, ` +
      `past this workspace's budget of ${o.budget} people per hour. ` +
      'Their role holds the export permission, so the reads were allowed.';
  return (
    `${what}\n\n` +
    'Every read is in the audit trail with the ids of the people shown: filter it by this actor to see whom. ' +
    'If this was not expected, revoke the access (sign the member out, change their role, or revoke the token).\n\n' +
    'You are told at most once an hour per budget (a member and the tokens they made share one).\n'
  );
}

/**
 * Records the overrun in the audit trail and, the first time in an hour for
 * this actor, tells every owner and the DPO (a notice and a mail each).
 * Refusals are recorded every time; an allowed overrun once with its alert.
 */
export async function recordOverrun(ctx: AppContext, trx: Trx, auth: AuthState, o: BudgetOverrun): Promise<void> {
  const alert = await claimAlert(trx, o.key, o.now);
  if (!alert && !o.refused) return;
  const actor = auditActor(auth);
  await recordAudit(trx, {
    action: 'access.read_budget_exceeded',
    actor,
    purpose: o.purpose,
    details: { distinctPeople: o.distinct, readBefore: o.before, budget: o.budget, refused: o.refused, alerted: alert, ...auditMember(auth) },
    requestId: o.requestId,
  });
  if (!alert) return;
  const label = await actorLabel(ctx, trx, auth);
  await notifyMembers(trx, ctx, {
    roles: ['owner', 'dpo'],
    kind: READ_BUDGET_KIND,
    payload: { actorType: actor.type, actorId: actor.id, ...budgetMember(auth), distinctPeople: o.distinct, budget: o.budget, refused: o.refused },
    mail: { subject: 'Confidant: an hourly read budget was passed', text: mailText(label, o) },
  });
}
