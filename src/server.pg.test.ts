import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from './config.js';
import { startServer, type RunningServer } from './server.js';
import { createLogger } from './platform/logging.js';
import { appUrlFor, createPostgresDatabase } from '../test/helpers/db.js';
import { LogCapture } from '../test/helpers/app.js';

// PostgreSQL only (this file runs in the `postgres` project): PGlite has no
// login roles and no other connections to look at.
const SECRET = 'owner-secret-pw-0123';
let server: RunningServer;
let ownerUrl: string;
let database: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  const pgdb = await createPostgresDatabase();
  drop = pgdb.drop;
  ownerUrl = pgdb.ownerUrl;
  database = new URL(ownerUrl).pathname.slice(1);
  // The shared test server trusts local connections: the password is never
  // checked, but it is what a real owner URL carries, and must not be kept.
  const withPassword = new URL(ownerUrl);
  withPassword.password = SECRET;
  const base = loadConfig({ PORT: '0', DATA_DIR: `/tmp/confidant-owner-test-${database}`, LOG_LEVEL: 'warn' });
  const config: Config = {
    ...base,
    database: { kind: 'postgres', ownerUrl: withPassword.toString(), appUrl: appUrlFor(ownerUrl), poolSize: 3 },
  };
  server = await startServer(config, { logger: createLogger('warn', new LogCapture()), chainIntervalMs: 50 });
});
afterAll(async () => {
  await server?.shutdown('test');
  await drop?.();
});

async function sessions(): Promise<Array<{ usename: string; backend_type: string }>> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const r = await c.query<{ usename: string; backend_type: string }>(
      `select usename, backend_type from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
      [database],
    );
    return r.rows;
  } finally {
    await c.end();
  }
}

describe('after start on PostgreSQL', () => {
  it('every connection of the serving process is the app role: no owner connection is kept after migrating', async () => {
    // Some work through the pool, and the background loops, open connections.
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await server.ctx.chainer.tick();
    const rows = await sessions();
    const owner = new URL(ownerUrl).username;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.usename)).not.toContain(owner);
    expect(new Set(rows.map((r) => r.usename))).toEqual(new Set(['confidant_app']));
  });

  it("keeps no copy of the owner's password in its configuration", () => {
    const db = server.ctx.config.database;
    expect(db.kind).toBe('postgres');
    expect(JSON.stringify(server.ctx.config)).not.toContain(SECRET);
    if (db.kind === 'postgres') {
      expect(new URL(db.ownerUrl).password).toBe('');
      expect(new URL(db.ownerUrl).pathname).toBe(`/${database}`);
    }
  });
});
