/**
 * A company rename re-tokens its contacts (docs/crm-contacts.md "Company
 * names in search"). Contacts are searchable by their company's name words
 * through blind tokens written with the contact; after a rename those are
 * stale. The rename's transaction records a request (contact_company_retoken)
 * and queues a job; the job rewrites the contacts' blind terms in batches, one
 * transaction each, so the rename answers at once however many people the
 * company has. Every batch recomputes rows from the records and the company's
 * current name, so repeating one is harmless; progress survives a crash (the
 * job resumes after the last batch), and a rename during a run starts over.
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import type { JobDefinition } from '../../kernel/module.js';
import { enqueue, PermanentJobError } from '../../platform/jobs/index.js';
import type { CompanyRenameHook } from './deps.js';
import { rewriteIndexes } from './lookup.js';
import { advanceRetoken, companyContactsAfter, lockRetoken, requestRetoken, retokenProgress } from './queries.js';
import { openRecords } from './record.js';

export const RETOKEN_JOB = 'contacts.company_retoken';
/** Contacts per batch (one transaction each). */
export const RETOKEN_BATCH = 500;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Asks, in the rename's transaction, for the company's contacts to be re-tokened (the job runs after commit). */
export async function requestCompanyRetoken(trx: Trx, workspaceId: string, companyId: string, now: Date): Promise<void> {
  await requestRetoken(trx, workspaceId, companyId, now);
  // No dedupe key: a job already running may have passed its last check, so each rename gets its own
  // (a job that finds nothing left to do ends at once).
  await enqueue(trx, { kind: RETOKEN_JOB, payload: { companyId }, workspaceId });
}

/**
 * One batch in the caller's transaction: the next contacts of the company
 * after the recorded progress get lookup rows under its current name.
 * `finished`: nothing was pending (the run is over).
 */
export async function retokenStep(ctx: Pick<AppContext, 'vault'>, trx: Trx, workspaceId: string, companyId: string, batchSize = RETOKEN_BATCH): Promise<{ processed: number; finished: boolean }> {
  await lockRetoken(trx, workspaceId, companyId);
  const progress = await retokenProgress(trx, workspaceId, companyId);
  if (!progress) return { processed: 0, finished: true };
  const rows = await companyContactsAfter(trx, workspaceId, companyId, progress.afterId, batchSize);
  if (rows.length > 0) {
    const records = await openRecords(trx, ctx.vault, workspaceId, rows);
    await rewriteIndexes(trx, ctx.vault, workspaceId, rows.map((r) => ({ id: r.id, record: records.get(r.id)!, companyId: r.company_id })));
  }
  const last = rows[rows.length - 1];
  // A short batch was the last; if a rename came meanwhile the generation moved and the next step starts over.
  await advanceRetoken(trx, workspaceId, companyId, progress.generation, rows.length < batchSize || !last ? null : last.id);
  return { processed: rows.length, finished: false };
}

/** Runs batches until no re-token is pending for the company; returns how many contacts were rewritten. */
export async function retokenCompanyContacts(ctx: Pick<AppContext, 'db' | 'vault'>, workspaceId: string, companyId: string, batchSize = RETOKEN_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const step = await ctx.db.withWorkspace(workspaceId, (trx) => retokenStep(ctx, trx, workspaceId, companyId, batchSize));
    if (step.finished) return total;
    total += step.processed;
  }
}

/** The companies' rename hook point: the rename's transaction asks for the re-token. */
export const onCompanyRenamed: CompanyRenameHook = (trx, input) => requestCompanyRetoken(trx, input.workspaceId, input.companyId, input.now);

export const retokenJob: JobDefinition = {
  kind: RETOKEN_JOB,
  run: async (ctx, job) => {
    const companyId = job.payload.companyId;
    if (job.workspaceId === null || typeof companyId !== 'string' || !UUID_RE.test(companyId)) {
      throw new PermanentJobError('company re-token job without a workspace or company id');
    }
    await retokenCompanyContacts(ctx, job.workspaceId, companyId);
  },
};
