/**
 * `contacts.reindex`: recomputes every blind value of a workspace's contacts
 * from their records (the same work a key rotation does). Migration 0021
 * queues one per workspace whose search tokens changed function.
 */
import type { AppContext } from '../../app.js';
import { PermanentJobError, type JobRunner } from '../../platform/jobs/index.js';
import { reindexContacts } from './lookup.js';

export const REINDEX_JOB = 'contacts.reindex';

const registered = new WeakSet<JobRunner>();

export function registerReindexJob(ctx: Pick<AppContext, 'db' | 'vault' | 'jobs'>): void {
  if (registered.has(ctx.jobs)) return;
  registered.add(ctx.jobs);
  ctx.jobs.register(REINDEX_JOB, async (job) => {
    const ws = job.workspaceId;
    if (ws === null) throw new PermanentJobError('contacts re-index job without a workspace');
    await ctx.db.withWorkspace(ws, (trx) => reindexContacts(trx, ctx.vault, ws));
  });
}
