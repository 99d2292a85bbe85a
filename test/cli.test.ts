import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { chainAll } from '../src/platform/audit/index.js';
import { insertApiToken } from '../src/modules/identity/index.js';
import { appUrlFor, createPostgresDatabase, testDbKind } from './helpers/db.js';
import type { DatabaseConfig } from '../src/config.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/confidant.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-cli-'));
let env: NodeJS.ProcessEnv;
let dbConfig: DatabaseConfig;
let dropPg: (() => Promise<void>) | null = null;

beforeAll(async () => {
  env = { ...process.env, DATA_DIR: path.join(tmp, 'data'), CONFIDANT_KEYS_DIR: path.join(tmp, 'keys'), LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  if (testDbKind() === 'postgres') {
    const pgdb = await createPostgresDatabase();
    dropPg = pgdb.drop;
    env.DATABASE_URL = pgdb.ownerUrl;
    dbConfig = { kind: 'postgres', ownerUrl: pgdb.ownerUrl, appUrl: appUrlFor(pgdb.ownerUrl), poolSize: 2 };
  } else {
    dbConfig = { kind: 'pglite', dataDir: path.join(tmp, 'data', 'pglite') };
  }
});
afterAll(async () => {
  await dropPg?.();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The database as an insider (owner or superuser) would touch it, between CLI runs. */
async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(dbConfig);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe('the confidant CLI', () => {
  it('migrate, workspace create (--json, password on stdin), audit verify: intact, then broken after tampering', async () => {
    const migrated = await cli(['migrate', '--json']);
    expect(migrated.code).toBe(0);
    const report = JSON.parse(migrated.stdout) as { applied: string[]; alreadyApplied: number };
    expect(report.applied.length + report.alreadyApplied).toBeGreaterThan(5);

    const created = await cli(
      ['workspace', 'create', '--name', 'Acme', '--slug', 'acme', '--owner-email', 'owner@acme.example', '--owner-password-file', '-', '--json'],
      'a long enough owner password\n',
    );
    expect(created.stderr).not.toMatch(/visible to other processes/);
    expect(created.code).toBe(0);
    const { workspaceId, ownerUserId } = JSON.parse(created.stdout) as { workspaceId: string; ownerUserId: string };
    expect(workspaceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ownerUserId).toMatch(/^[0-9a-f-]{36}$/);

    const intact = await cli(['audit', 'verify', '--workspace', 'acme', '--chain-first', '--json']);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ intact: true, checked: 1, unchained: 0 });

    await withDb((db) => chainAll(db));
    // The insider: owner rights, trigger disabled, one event's action rewritten.
    if (dbConfig.kind === 'postgres') {
      const c = new pg.Client({ connectionString: dbConfig.ownerUrl });
      await c.connect();
      await c.query(`alter table audit_events disable trigger user`);
      await c.query(`update audit_events set action = 'workspace.renamed' where workspace_id = $1`, [workspaceId]);
      await c.end();
    } else {
      await withDb((db) =>
        db.withSystem(async (trx) => {
          await sql`reset role`.execute(trx);
          await sql`alter table audit_events disable trigger user`.execute(trx);
          await sql`update audit_events set action = 'workspace.renamed' where workspace_id = ${workspaceId}`.execute(trx);
        }),
      );
    }
    const broken = await cli(['audit', 'verify', '--workspace', 'acme']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN/);
    expect(broken.stdout).toMatch(/first broken event seq 1/);
  });

  // Four CLI runs, each starting Node and tsx: give them room on a busy machine.
  it('user reset-2fa gives a locked-out owner a way back, revoking the tokens they made', { timeout: 240_000 }, async () => {
    const created = await cli(
      ['workspace', 'create', '--name', 'Gamma', '--slug', 'gamma', '--owner-email', 'owner@gamma.example', '--owner-password-file', '-', '--json'],
      'a long enough owner password\n',
    );
    expect(created.code).toBe(0);
    const { workspaceId, ownerUserId } = JSON.parse(created.stdout) as { workspaceId: string; ownerUserId: string };
    await withDb((db) => db.withWorkspace(workspaceId, async (trx) => {
      await sql`update users set totp_enrolled_at = now() where id = ${ownerUserId}`.execute(trx);
      await insertApiToken(trx, { workspaceId, name: 'owners-script', scopes: ['contacts:read'], createdBy: ownerUserId, now: new Date() });
    }));

    const reset = await cli(['user', 'reset-2fa', '--workspace', 'gamma', '--email', 'owner@gamma.example', '--json']);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toEqual({ workspaceId, memberId: ownerUserId, sessionsEnded: 0, tokensRevoked: 1 });
    const after = await withDb((db) => db.withWorkspace(workspaceId, async (trx) => {
      const u = await sql<{ enrolled: boolean }>`select totp_enrolled_at is not null as enrolled from users where id = ${ownerUserId}`.execute(trx);
      const t = await sql<{ live: number }>`select count(*)::int as live from api_tokens where revoked_at is null`.execute(trx);
      const e = await sql<{ actor_type: string; reason: string }>`select actor_type, details ->> 'reason' as reason from audit_events where action = 'token.revoked'`.execute(trx);
      return { enrolled: u.rows[0]?.enrolled, live: t.rows[0]?.live, events: e.rows };
    }));
    expect(after).toEqual({ enrolled: false, live: 0, events: [{ actor_type: 'operator', reason: 'totp_reset' }] });
  });

  it('warns when the owner password is given on the command line', async () => {
    const created = await cli(['workspace', 'create', '--name', 'Beta', '--slug', 'beta', '--owner-email', 'o@beta.example', '--owner-password', 'another long password']);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/visible to other processes/);
  });

  it('audit verify exits 1 on an unchained tail older than AUDIT_UNCHAINED_MAX_SECONDS, naming why', async () => {
    // Beta's events were never chained (no server ran); an insider makes them old.
    const text = `update audit_events set at = now() - interval '10 minutes' where seq is null`;
    if (dbConfig.kind === 'postgres') {
      const c = new pg.Client({ connectionString: dbConfig.ownerUrl });
      await c.connect();
      await c.query(text);
      await c.end();
    } else {
      await withDb((db) => db.withSystem(async (trx) => {
        await sql`reset role`.execute(trx);
        await sql.raw(text).execute(trx);
      }));
    }
    const stale = await cli(['audit', 'verify', '--workspace', 'beta']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/BROKEN/);
    expect(stale.stdout).toMatch(/NOT INTACT: \d+ event\(s\) unchained, the oldest 6\d\d s old \(bound 300 s\)/);
    const lenient = await run(process.execPath, [BIN, 'audit', 'verify', '--workspace', 'beta', '--json'], {
      env: { ...env, AUDIT_UNCHAINED_MAX_SECONDS: '3600' }, timeout: 60_000,
    });
    expect(JSON.parse(lenient.stdout)).toMatchObject({ intact: true, reasons: [] });
  });
});
