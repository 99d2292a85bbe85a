export {
  enqueue,
  listJobs,
  jobCounts,
  countsByState,
  retryJob,
  purgeJobs,
  retryAt,
  safeErrorText,
  assertIdsOnly,
  DEFAULT_BACKOFF,
  JOB_STATES,
  type BackoffPolicy,
  type EnqueueOptions,
  type JobCount,
  type JobPayload,
  type JobPayloadValue,
  type JobRecord,
  type JobState,
  type ListJobsOptions,
} from './queue.js';
export {
  JobRunner,
  PermanentJobError,
  type JobContext,
  type JobHandler,
  type JobRunnerOptions,
  type RunReport,
} from './runner.js';
export { registerJobMetrics } from './metrics.js';
export { registerJobMaintenance, JOBS_PURGE_KIND, type JobRetention } from './maintenance.js';
