import type { Config } from '../config.js';
import type { Keyring, Vault } from '../platform/crypto/index.js';
import type { Database } from '../platform/db/database.js';
import type { JobRunner } from '../platform/jobs/index.js';
import type { MailTransport } from '../platform/mail/index.js';
import type { Logger } from '../platform/logging.js';
import type { Metrics } from '../platform/http/metrics.js';
import type { AuditChainerLoop } from '../platform/audit/chainer-loop.js';
import type { RoutePermission } from './access.js';
import type { Hooks } from './hooks.js';

/** What every module's routes, jobs and services are built from (the composition root fills it). */
export interface AppContext {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  /** The clock: functions that compute deadlines take `now` from here, so tests move it. */
  now: () => Date;
  keyring: Keyring;
  /** Seals and opens personal data; blind indexes; crypto-shredding. */
  vault: Vault;
  jobs: JobRunner;
  mailTransport: MailTransport;
  /** Where and with which key signed audit checkpoints are written. */
  audit: { checkpointKey: Buffer; checkpointDir: string };
  chainer: AuditChainerLoop;
  /** The handlers modules gave for the hook points other modules offer (module definitions, `hooks`). */
  hooks: Hooks;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** Metrics and logs label a request by this, never by the raw URL. */
    routeLabel?: string;
  }
}
