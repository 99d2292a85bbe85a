import path from 'node:path';
import type { AppContext } from './kernel/context.js';
import type { Config } from './config.js';
import { chainAll, unchainedCount, writeCheckpoints } from './platform/audit/index.js';
import { Keyring, Vault, destroyExpiredMasterKeys, rotateKeys } from './platform/crypto/index.js';
import type { Database } from './platform/db/database.js';
import { purgeIdempotencyKeys } from './platform/http/idempotency.js';
import { Metrics } from './platform/http/metrics.js';
import { JobRunner, registerJobMaintenance, registerJobMetrics } from './platform/jobs/index.js';
import type { Logger } from './platform/logging.js';
import { createMailTransport, mailStartupNotice, registerMailSender } from './platform/mail/index.js';
import { Hooks } from './kernel/hooks.js';
import type { ModuleDefinition } from './kernel/module.js';
import { MODULES } from './modules/index.js';

import { AuditChainerLoop } from './platform/audit/chainer-loop.js';

export const CHECKPOINT_PURPOSE = 'audit-checkpoint';

export interface ContextOptions {
  logger: Logger;
  now?: () => Date;
  /** Interval of the audit chainer loop; the unchained tail stays about this short. */
  chainIntervalMs?: number;
  /** The modules wired in (default: all of them, src/modules/index.ts). */
  modules?: readonly ModuleDefinition[];
}

/** Where signed audit checkpoints live: beside the key ring, outside the database. */
export function checkpointDirFor(keyring: Keyring): string {
  return path.join(keyring.dir, 'checkpoints');
}

export async function loadKeyring(config: Config, warn: (msg: string) => void): Promise<Keyring> {
  return Keyring.load({ dir: config.keys.dir, inline: config.keys.inline, dataDir: config.dataDir, warn });
}

/** The vault with every module's re-indexers registered, so a rotation re-indexes everything. */
export function createVault(keyring: Keyring, modules: readonly ModuleDefinition[] = MODULES): Vault {
  const vault = new Vault(keyring);
  for (const m of modules) {
    for (const r of m.reindexers ?? []) vault.registerReindexer(r.name, (trx, workspaceId) => r.run(vault, trx, workspaceId));
  }
  return vault;
}

/** A vault over the configured key ring, with every module's re-indexers. */
export async function loadVault(config: Config, warn: (msg: string) => void): Promise<Vault> {
  return createVault(await loadKeyring(config, warn));
}

/**
 * Builds the context every module receives. Nothing starts running here:
 * `startBackground` starts the job runner and the chainer loop.
 */
export async function createAppContext(config: Config, db: Database, options: ContextOptions): Promise<AppContext> {
  const { logger } = options;
  const modules = options.modules ?? MODULES;
  const keyring = await loadKeyring(config, (msg) => logger.warn(msg));
  const vault = createVault(keyring, modules);
  const metrics = new Metrics();
  const jobs = new JobRunner(db, {
    onError: (info) => logger.warn({ kind: info.kind, jobId: info.jobId, error: info.message }, 'job failed'),
  });
  const mailTransport = createMailTransport({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    production: config.production,
    mailDevOutbox: config.mailDevOutbox,
  });
  const audit = { checkpointKey: keyring.purposeKey(CHECKPOINT_PURPOSE), checkpointDir: checkpointDirFor(keyring) };
  const ctx: AppContext = {
    config,
    db,
    logger,
    metrics,
    now: options.now ?? (() => new Date()),
    keyring,
    vault,
    jobs,
    mailTransport,
    audit,
    chainer: new AuditChainerLoop(db, options.chainIntervalMs ?? 200, logger),
    hooks: hooksOf(modules),
  };
  registerPlatformJobs(ctx);
  registerModuleJobs(ctx, modules);
  registerJobMetrics(metrics.registry, db);
  metrics.gauge('confidant_audit_unchained_events', 'Audit events not yet chained', async () => (await unchainedCount(db)).count);
  metrics.gauge(
    'confidant_audit_unchained_oldest_seconds',
    'Age of the oldest unchained audit event',
    async () => (await unchainedCount(db)).oldestAgeSeconds ?? 0,
  );
  return ctx;
}

/** The hook points the modules offer and the handlers they give each other. */
export function hooksOf(modules: readonly ModuleDefinition[]): Hooks {
  return new Hooks(
    modules.flatMap((m) => m.offers ?? []),
    modules.map((m) => ({ module: m.name, hooks: m.hooks ?? {} })),
  );
}

/** Every module's job kinds on the context's runner, recurring ones scheduled. */
export function registerModuleJobs(ctx: AppContext, modules: readonly ModuleDefinition[]): void {
  for (const m of modules) {
    for (const job of m.jobs ?? []) {
      ctx.jobs.register(job.kind, (run) => job.run(ctx, run));
      if (job.every !== undefined) ctx.jobs.schedule(job.kind, typeof job.every === 'number' ? job.every : job.every(ctx.config));
    }
  }
}

/** Recurring platform work, as jobs every process can claim (one instance runs at a time). */
function registerPlatformJobs(ctx: AppContext): void {
  const { jobs, db, config, keyring, logger } = ctx;
  registerJobMaintenance(jobs, db);
  registerMailSender(jobs, { db, sealer: ctx.vault, transport: ctx.mailTransport, from: config.mailFrom });
  jobs
    .register('audit.checkpoint', async ({ now }) => {
      await chainAll(db);
      const result = await writeCheckpoints(db, { ...ctx.audit, now });
      // A refused workspace's chain no longer verifies: that is an incident, not a log line.
      if (result.refused.length > 0) logger.error({ workspaces: result.refused }, 'audit chain broken: checkpoint refused');
    })
    .schedule('audit.checkpoint', config.checkpointIntervalSeconds);
  // Idempotency-Key rows answer for 24 hours, then go (docs/crm-segments-and-merge.md).
  jobs.register('http.idempotency_purge', async ({ now }) => void (await purgeIdempotencyKeys(db, now))).schedule('http.idempotency_purge', 3_600);
  jobs
    .register('keys.rotate_due', async ({ now }) => {
      // An injected ring carries no creation dates: its operator schedules rotation.
      const createdAt = keyring.currentEpochCreatedAt();
      if (!createdAt) return;
      const ageDays = (now.getTime() - createdAt.getTime()) / 86_400_000;
      if (ageDays < config.keyRotationDays) return;
      if (keyring.isInline) {
        // Injected keys cannot be made here: the operator adds the next epoch.
        logger.warn(
          { epoch: keyring.currentEpoch(), ageDays: Math.floor(ageDays) },
          'the master key epoch is due for rotation: add the next key to CONFIDANT_MASTER_KEYS and run `confidant keys rotate`',
        );
        return;
      }
      const result = await rotateKeys({ db, keyring, vault: ctx.vault, now, log: (msg) => logger.info(msg) });
      logger.info({ epoch: result.epoch, workspaces: result.workspaces }, 'master key epoch rotated on schedule');
    })
    .schedule('keys.rotate_due', 86_400);
  jobs
    .register('keys.destroy_expired', async ({ now }) => {
      const destroyed = await destroyExpiredMasterKeys(keyring, now, config.backupRetentionDays, db);
      if (destroyed.length > 0) logger.info({ epochs: destroyed }, 'retired master keys destroyed');
    })
    .schedule('keys.destroy_expired', 86_400);
}

/** Starts the background work of a serving process (when JOBS_ENABLED). */
export function startBackground(ctx: AppContext): void {
  const notice = mailStartupNotice(ctx.config);
  if (notice) ctx.logger.warn(notice);
  if (!ctx.config.jobsEnabled) return;
  ctx.jobs.start();
  ctx.chainer.start();
}

/** Stops background work, chains what is left and writes the final checkpoint. */
export async function stopBackground(ctx: AppContext): Promise<void> {
  await ctx.chainer.stop();
  await ctx.jobs.stop();
  await chainAll(ctx.db);
  await writeCheckpoints(ctx.db, { ...ctx.audit, now: ctx.now() });
  ctx.mailTransport.close();
}
