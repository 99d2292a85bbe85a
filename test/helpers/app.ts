import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppContext, type BuildOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createAppContext } from '../../src/context.js';
import type { ModuleDefinition } from '../../src/kernel/module.js';
import { MODULES } from '../../src/modules/index.js';
import { createLogger } from '../../src/platform/logging.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/** Everything a test app writes to its log, as text, for scanning. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  get text(): string {
    return this.lines.join('');
  }
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  t: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

/** A config over the test database, with its own temporary data and key directories. */
export function testConfig(t: TestDatabase, overrides: Partial<Config> = {}): Config {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-test-'));
  const base = loadConfig({
    LOG_LEVEL: 'info',
    DATA_DIR: path.join(root, 'data'),
    CONFIDANT_KEYS_DIR: path.join(root, 'keys'),
  });
  return { ...base, database: t.config, ...overrides };
}

export async function createTestApp(
  options: BuildOptions & { config?: Partial<Config>; now?: () => Date; extraModules?: readonly ModuleDefinition[] } = {},
): Promise<TestApp> {
  const modules = [...MODULES, ...(options.extraModules ?? [])];
  const t = await createTestDatabase();
  const logs = new LogCapture();
  const config = testConfig(t, options.config);
  const ctx = await createAppContext(config, t.db, {
    logger: createLogger('info', logs),
    ...(options.now ? { now: options.now } : {}),
    modules,
  });
  const app = await buildApp(ctx, { ...options, modules });
  await app.ready();
  return {
    app,
    ctx,
    t,
    logs,
    close: async () => {
      await app.close();
      ctx.mailTransport.close();
      await t.drop();
    },
  };
}
