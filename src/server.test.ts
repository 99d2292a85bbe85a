import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from './config.js';
import { startServer } from './server.js';
import { createLogger } from './platform/logging.js';
import { appUrlFor, createPostgresDatabase, testDbKind } from '../test/helpers/db.js';
import { LogCapture } from '../test/helpers/app.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function configForRun(): Promise<Config> {
  const base = loadConfig({ PORT: '0', DATA_DIR: '/tmp/confidant-shutdown-test', SHUTDOWN_TIMEOUT_MS: '5000' });
  if (testDbKind() === 'pglite') return { ...base, database: { kind: 'pglite', dataDir: null } };
  const pgdb = await createPostgresDatabase();
  cleanups.push(pgdb.drop);
  return { ...base, database: { kind: 'postgres', ownerUrl: pgdb.ownerUrl, appUrl: appUrlFor(pgdb.ownerUrl), poolSize: 3 } };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('drains the in-flight request, refuses new ones, runs shutdown steps, then closes the database', async () => {
    let releaseSlow: () => void = () => {};
    let slowStarted: () => void = () => {};
    const started = new Promise<void>((r) => (slowStarted = r));
    const slowRoute = (app: FastifyInstance): void => {
      app.get('/slow', { config: { permission: 'public' } }, async () => {
        slowStarted();
        await new Promise<void>((r) => (releaseSlow = r));
        return { done: true };
      });
    };
    const steps: string[] = [];
    const config = await configForRun();
    const server = await startServer(config, {
      logger: createLogger('warn', new LogCapture()),
      build: { extraRoutes: [slowRoute] },
      onShutdown: [
        async (ctx) => {
          // The database is still open for the final audit checkpoint.
          await ctx.db.ping();
          steps.push('final-checkpoint');
        },
      ],
    });
    const inFlight = get(`${server.url}/slow`);
    await started;
    const stopping = server.shutdown('test');
    // A new connection is refused once the listener has closed.
    for (let i = 0; i < 10_000 && server.app.server.listening; i++) await new Promise((r) => setImmediate(r));
    expect(server.app.server.listening).toBe(false);
    await expect(get(`${server.url}/healthz`)).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
    expect(steps).toEqual([]); // still draining
    releaseSlow();
    const res = await inFlight;
    expect(res).toEqual({ status: 200, body: '{"done":true}' });
    await stopping;
    expect(steps).toEqual(['final-checkpoint']);
    await expect(server.ctx.db.ping()).rejects.toThrow();
  });
});

describe('start in production', () => {
  it('refuses to start without SMTP_URL unless MAIL_DEV_OUTBOX=1, before touching the database', async () => {
    const base = loadConfig({ PORT: '0', NODE_ENV: 'production', DATA_DIR: '/tmp/confidant-prod-mail-test' });
    const config: Config = { ...base, database: { kind: 'postgres', ownerUrl: 'postgres://nobody@127.0.0.1:1/none', appUrl: 'postgres://nobody@127.0.0.1:1/none', poolSize: 1 } };
    await expect(startServer(config, { logger: createLogger('warn', new LogCapture()) })).rejects.toThrow(/NODE_ENV=production and no SMTP_URL.*MAIL_DEV_OUTBOX=1/);
  });
});

