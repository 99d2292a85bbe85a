import fs from 'node:fs';
import { Kysely, PostgresDialect, sql, type QueryResult, type RawBuilder, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../config.js';
import { pgliteRunner, runMigrations, type MigrationReport, type SqlRunner } from './migrate.js';
import { PGliteSerialPool } from './pglite-pool.js';
import type { DB } from './schema.js';

export type { DB } from './schema.js';
export type Trx = Transaction<DB>;

/** The login role the application runs as: not owner, not superuser, no BYPASSRLS. */
export const APP_ROLE = 'confidant_app';

// int8 as a JS number on both drivers (counts and sequence numbers stay far below 2^53).
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction as the app role with `app.workspace_id` set, so
   * row-level security shows only that workspace's rows. Use only `trx` inside:
   * on PGlite any other query waits for this transaction to end.
   */
  withWorkspace<T>(workspaceId: string, fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * A transaction as the app role with no workspace set: tenant tables look
   * empty. For calling the SECURITY DEFINER functions that cross workspaces.
   */
  withSystem<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * One statement as the app role with no workspace set, like `withSystem`
   * but without the transaction's round trips on PostgreSQL (the app login
   * role and only transaction-local settings make a bare statement
   * equivalent). For the per-request credential lookups.
   */
  systemQuery<R>(query: RawBuilder<R>): Promise<QueryResult<R>>;
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations (as the owner) before opening the app connection. */
  migrate?: boolean;
  onMigrated?: (report: MigrationReport) => void;
  /** Told when the server ends an idle pooled connection (PostgreSQL only). */
  onIdleError?: (err: Error) => void;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(value: string, what = 'id'): void {
  if (!UUID_RE.test(value)) throw new Error(`${what} is not a UUID`);
}

class KyselyDatabase implements Database {
  constructor(
    readonly kind: 'pglite' | 'postgres',
    private readonly db: Kysely<DB>,
    private readonly stats: () => PoolStats,
    private readonly closeFn: () => Promise<void>,
  ) {}

  withWorkspace<T>(workspaceId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
    assertUuid(workspaceId, 'workspace id');
    return this.db.transaction().execute(async (trx) => {
      await this.enterAppRole(trx);
      await sql`select set_config('app.workspace_id', ${workspaceId}, true)`.execute(trx);
      return fn(trx);
    });
  }

  withSystem<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await this.enterAppRole(trx);
      await sql`select set_config('app.workspace_id', '', true)`.execute(trx);
      return fn(trx);
    });
  }

  systemQuery<R>(query: RawBuilder<R>): Promise<QueryResult<R>> {
    // PGlite's session user is a superuser: it needs the transaction to step down to the app role.
    if (this.kind === 'pglite') return this.withSystem((trx) => query.execute(trx));
    return query.execute(this.db);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  poolStats(): PoolStats {
    return this.stats();
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.closeFn();
  }

  /**
   * On PostgreSQL the connection already logs in as the app role. PGlite's
   * session user is always a superuser, so we step down for the transaction;
   * `RESET ROLE` would step back up there (documented in docs/security.md).
   */
  private async enterAppRole(trx: Trx): Promise<void> {
    if (this.kind === 'pglite') await sql`set local role confidant_app`.execute(trx);
  }
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<Database> {
  return config.kind === 'pglite' ? openPGlite(config.dataDir, options) : openPostgres(config, options);
}

async function openPGlite(dataDir: string | null, options: OpenOptions): Promise<Database> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  // Loaded only when used: the module alone is ≈ 50 MB of a PostgreSQL deployment's memory.
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    parsers: {
      20: (v: string) => Number(v),
      17: (v: string) => Buffer.from(v.slice(2), 'hex'),
    },
  });
  const pool = new PGliteSerialPool(pglite);
  if (options.migrate) {
    const report = await pool.exclusive((db) =>
      runMigrations(pgliteRunner(db)),
    );
    options.onMigrated?.(report);
  }
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: pool as unknown as ConstructorParameters<typeof PostgresDialect>[0]['pool'] }),
  });
  return new KyselyDatabase(
    'pglite',
    db,
    () => ({ total: 1, idle: pool.waiting === 0 ? 1 : 0, waiting: pool.waiting }),
    async () => {}, // Kysely's destroy() ends the pool, which closes PGlite
  );
}

async function openPostgres(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  options: OpenOptions,
): Promise<Database> {
  if (options.migrate) {
    const report = await migratePostgres(config.ownerUrl);
    options.onMigrated?.(report);
  }
  const pool = new pg.Pool({ connectionString: config.appUrl, max: config.poolSize });
  // An idle connection the server ended (restart, failover, admin) is dropped
  // from the pool by pg; without a listener the event would crash the process.
  pool.on('error', (err) => options.onIdleError?.(err));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyDatabase(
    'postgres',
    db,
    () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async () => {},
  );
}

/** Migrations connect as the owner, never as the app role. */
export async function migratePostgres(ownerUrl: string): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const runner: SqlRunner = {
      exec: async (text) => {
        await client.query(text);
      },
      query: async (text, params) => (await client.query(text, params ? [...params] : [])).rows as unknown[],
    };
    return await runMigrations(runner);
  } finally {
    await client.end();
  }
}
