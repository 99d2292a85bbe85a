import type { FastifyInstance } from 'fastify';
import { buildApp, type AppContext, type BuildOptions } from './app.js';
import { withoutOwnerSecret, type Config } from './config.js';
import { createAppContext, startBackground, stopBackground } from './context.js';
import { openDatabase } from './platform/db/database.js';
import { metricsStartupNotice } from './platform/http/metrics-access.js';
import { assertMailConfig } from './platform/mail/index.js';
import { createLogger, type Logger } from './platform/logging.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  /** Stop accepting, drain in-flight requests, run the shutdown steps, close the database. */
  shutdown(reason: string): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  now?: () => Date;
  build?: BuildOptions;
  /** Steps run after the HTTP server has drained and before the database closes. */
  onShutdown?: Array<(ctx: AppContext) => Promise<void>>;
  /** Steps run once the server listens (first-run setup link...). */
  onStarted?: Array<(ctx: AppContext, url: string) => Promise<void>>;
  /** Interval of the audit chainer loop (tests shorten it). */
  chainIntervalMs?: number;
}

export async function startServer(startConfig: Config, options: StartOptions = {}): Promise<RunningServer> {
  let config = startConfig;
  const logger = options.logger ?? createLogger(config.logLevel);
  // Before migrating: a refused configuration changes nothing.
  assertMailConfig(config);
  const db = await openDatabase(config.database, {
    migrate: true,
    onIdleError: (err) => logger.warn({ err }, 'database connection lost; the pool reconnects'),
    onMigrated: (r) => {
      if (r.applied.length > 0) logger.info({ applied: r.applied }, 'migrations applied');
    },
  });
  // Migrations are done and their connection closed: from here the process
  // runs as the app role only, and forgets the owner's password.
  config = withoutOwnerSecret(config);
  let ctx: AppContext;
  try {
    ctx = await createAppContext(config, db, {
      logger,
      ...(options.now ? { now: options.now } : {}),
      ...(options.chainIntervalMs ? { chainIntervalMs: options.chainIntervalMs } : {}),
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const app = await buildApp(ctx, options.build ?? {});
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('127.0.0.1', 'localhost');
  const metricsNotice = metricsStartupNotice(config);
  if (metricsNotice) logger.warn(metricsNotice);
  startBackground(ctx);
  for (const step of options.onStarted ?? []) await step(ctx, url);

  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down: draining requests');
      const timer = setTimeout(() => {
        logger.error('shutdown timed out; closing open connections');
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      try {
        await app.close();
        for (const step of [...(options.onShutdown ?? []), stopBackground]) {
          try {
            await step(ctx);
          } catch (err) {
            logger.error({ err }, 'shutdown step failed');
          }
        }
      } finally {
        clearTimeout(timer);
        await db.close();
        logger.info('stopped');
      }
    })();
    return stopping;
  };
  return { app, ctx, url, shutdown };
}
