/**
 * `contacts.reindex`: recomputes every blind value of a workspace's contacts
 * from their records (the same work a key rotation does). Migration 0021
 * queues one per workspace whose search tokens changed function.
 */
import type { JobDefinition } from '../../kernel/module.js';
import { PermanentJobError } from '../../platform/jobs/index.js';
import { reindexContacts } from './lookup.js';

export const REINDEX_JOB = 'contacts.reindex';

export const reindexJob: JobDefinition = {
  kind: REINDEX_JOB,
  run: async (ctx, job) => {
    const ws = job.workspaceId;
    if (ws === null) throw new PermanentJobError('contacts re-index job without a workspace');
    await ctx.db.withWorkspace(ws, (trx) => reindexContacts(trx, ctx.vault, ws));
  },
};
