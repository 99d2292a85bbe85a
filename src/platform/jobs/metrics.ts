import client from 'prom-client';
import type { Database } from '../db/database.js';
import { countsByState, jobCounts, JOB_STATES } from './queue.js';

/**
 * Registers `confidant_jobs_queue_depth{state}` on a registry (pass
 * `metrics.registry`). Read when /metrics is scraped, so it costs one small
 * query per scrape. A labelled gauge, hence not Metrics.gauge().
 */
export function registerJobMetrics(registry: client.Registry, db: Database): void {
  new client.Gauge({
    name: 'confidant_jobs_queue_depth',
    help: 'Jobs in the job table by state (queued, running, done, failed)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const byState = countsByState(await jobCounts(db));
      for (const state of JOB_STATES) this.set({ state }, byState[state]);
    },
  });
}
