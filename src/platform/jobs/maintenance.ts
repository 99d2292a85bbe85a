import { purgeJobs } from './queue.js';
import type { Database } from '../db/database.js';
import type { JobRunner } from './runner.js';

export const JOBS_PURGE_KIND = 'jobs.purge';

export interface JobRetention {
  /** Done jobs are kept this long (default 7 days, also the least the database allows: migration 0025). */
  doneDays?: number;
  /** Failed jobs are kept this long (default 30 days, also the least the database allows): operators need time to look and retry. */
  failedDays?: number;
}

const DAY_MS = 86_400_000;

/**
 * Registers the hourly purge of finished jobs. Without it a chainer running
 * every few seconds leaves tens of thousands of done rows a day.
 */
export function registerJobMaintenance(runner: JobRunner, db: Database, retention: JobRetention = {}): void {
  const doneMs = (retention.doneDays ?? 7) * DAY_MS;
  const failedMs = (retention.failedDays ?? 30) * DAY_MS;
  runner.register(JOBS_PURGE_KIND, async ({ now }) => {
    await purgeJobs(db, new Date(now.getTime() - doneMs), new Date(now.getTime() - failedMs));
  });
  runner.schedule(JOBS_PURGE_KIND, 3600);
}
