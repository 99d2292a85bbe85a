import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';

/**
 * Which database this test run uses. Vitest runs the suite once per project:
 * `pglite` always, `postgres` when TEST_DATABASE_URL is set (vitest.config.ts).
 */
export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
  return process.env.CONFIDANT_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

export interface TestDatabase {
  db: Database;
  config: DatabaseConfig;
  /** For PostgreSQL: the owner URL of this test's own database (for owner-only checks). */
  ownerUrl: string | null;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return url;
}

/** A fresh PostgreSQL database (owner URL) for one test file; the caller drops it. */
export async function createPostgresDatabase(): Promise<{ ownerUrl: string; drop: () => Promise<void> }> {
  const name = `confidant_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    ownerUrl: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function appUrlFor(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = 'confidant_app';
  url.password = '';
  return url.toString();
}

/** A migrated, empty database of the run's kind. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDbKind() === 'pglite') {
    const config: DatabaseConfig = { kind: 'pglite', dataDir: null };
    const db = await openDatabase(config, { migrate: true });
    return { db, config, ownerUrl: null, drop: () => db.close() };
  }
  const { ownerUrl, drop } = await createPostgresDatabase();
  const config: DatabaseConfig = { kind: 'postgres', ownerUrl, appUrl: appUrlFor(ownerUrl), poolSize: 5 };
  const db = await openDatabase(config, { migrate: true });
  return {
    db,
    config,
    ownerUrl,
    drop: async () => {
      await db.close();
      await drop();
    },
  };
}

/**
 * Runs SQL with the owner's (or, on PGlite, the superuser's) rights, as an
 * insider with write access to the database would (THREATS.md actor F). Tests
 * use it to tamper with rows the app role may not touch.
 */
export async function asOwner<R = Record<string, unknown>>(
  t: TestDatabase,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  if (t.ownerUrl) {
    const c = new pg.Client({ connectionString: t.ownerUrl });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as R[];
    } finally {
      await c.end();
    }
  }
  // PGlite's session user is a superuser: RESET ROLE is the insider's way in
  // (the escape docs/security.md admits for the embedded database).
  const { sql, CompiledQuery } = await import('kysely');
  return t.db.withSystem(async (trx) => {
    await sql`reset role`.execute(trx);
    const r = await trx.executeQuery<R>(CompiledQuery.raw(text, params));
    return [...r.rows];
  });
}
