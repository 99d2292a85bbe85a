import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';

/** The two calls a migration needs, over either driver, as the tables' owner. */
export interface SqlRunner {
  exec(text: string): Promise<void>;
  query(text: string, params?: readonly unknown[]): Promise<unknown[]>;
}

/** A runner over a PGlite instance (the embedded database, and tests of migrations). */
export function pgliteRunner(db: Pick<PGlite, 'exec' | 'query'>): SqlRunner {
  return {
    exec: async (text) => {
      await db.exec(text);
    },
    query: async (text, params) => (await db.query(text, params ? [...params] : [])).rows,
  };
}

/**
 * Checksums that an applied migration may carry besides its file's own, each
 * with why. 0018 was edited after it landed (the change now lives in 0024):
 * an installation that applied the edited text is still whole, because 0024
 * re-creates the same function. Nothing is ever added here to excuse a new
 * edit: `src/migrations/checksums.sha256` and its test stop that.
 */
export const EARLIER_CHECKSUMS: Readonly<Record<string, readonly string[]>> = {
  '0018_record_read_function.sql': ['7cd1f244ddb69b84e9e6aa3329b9a312295561d86d328538abe7f0704b900331'],
};

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(
      `Migration ${migration} was changed after it was applied (checksum mismatch). ` +
        'Applied migrations are never edited: restore the file and add a new migration instead.',
    );
    this.name = 'MigrationChecksumError';
  }
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = fs.readFileSync(`${dir}/${name}`, 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

/**
 * Applies pending migrations in name order, each in its own transaction, and
 * refuses to go on if an applied file's checksum no longer matches. A session
 * advisory lock keeps two starting processes from migrating at once.
 */
export async function runMigrations(
  runner: SqlRunner,
  dir = MIGRATIONS_DIR,
  earlierChecksums: Readonly<Record<string, readonly string[]>> = EARLIER_CHECKSUMS,
): Promise<MigrationReport> {
  const files = listMigrations(dir);
  await runner.exec(`select pg_advisory_lock(7301190001)`);
  try {
    await runner.exec(`
      create table if not exists schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
    const rows = (await runner.query(`select name, checksum from schema_migrations`)) as Array<{
      name: string;
      checksum: string;
    }>;
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const file of files) {
      const sum = applied.get(file.name);
      if (sum === undefined || sum === file.checksum) continue;
      if (!earlierChecksums[file.name]?.includes(sum)) throw new MigrationChecksumError(file.name);
    }
    const pending = files.filter((f) => !applied.has(f.name));
    for (const file of pending) {
      await runner.exec('begin');
      try {
        await runner.exec(file.sql);
        await runner.query(`insert into schema_migrations (name, checksum) values ($1, $2)`, [
          file.name,
          file.checksum,
        ]);
        await runner.exec('commit');
      } catch (err) {
        await runner.exec('rollback');
        throw new Error(`Migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return { applied: pending.map((f) => f.name), alreadyApplied: files.length - pending.length };
  } finally {
    await runner.exec(`select pg_advisory_unlock(7301190001)`);
  }
}
