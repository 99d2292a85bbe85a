/**
 * The operator CLI as a real process, for tests that run `confidant` the way
 * an operator does: its own data and key directories (and, on the PostgreSQL
 * run, its own database), the command spawned from bin/, and the database and
 * key ring opened between processes as the CLI opens them (PGlite allows one
 * process at a time).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import type { Vault } from '../../src/platform/crypto/index.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { loadVault } from '../../src/context.js';
import { createPostgresDatabase, testDbKind } from './db.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/confidant.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type RuntimeCtx = { db: Database; vault: Vault; now: () => Date };

export interface CliProcessEnv {
  /** A scratch directory removed by `close()`. */
  tmp: string;
  /** The environment every process of the test gets (call after `open()`). */
  env: () => NodeJS.ProcessEnv;
  open: () => Promise<void>;
  close: () => Promise<void>;
  /** Runs `confidant <args>`, with `input` on its standard input; never rejects. */
  cli: (args: string[], input?: string) => Promise<CliResult>;
  /** The database and key ring as the CLI opens them, closed again after `fn`. */
  withRuntime: <T>(fn: (ctx: RuntimeCtx) => Promise<T>) => Promise<T>;
}

export function cliProcessEnv(prefix: string, timeoutMs: number): CliProcessEnv {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let env: NodeJS.ProcessEnv | null = null;
  let dropPg: (() => Promise<void>) | null = null;
  const current = (): NodeJS.ProcessEnv => {
    if (!env) throw new Error('cliProcessEnv: open() first');
    return env;
  };
  return {
    tmp,
    env: current,
    open: async () => {
      env = { ...process.env, DATA_DIR: path.join(tmp, 'data'), CONFIDANT_KEYS_DIR: path.join(tmp, 'keys'), LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      if (testDbKind() === 'postgres') {
        const pgdb = await createPostgresDatabase();
        dropPg = pgdb.drop;
        env.DATABASE_URL = pgdb.ownerUrl;
      }
    },
    close: async () => {
      await dropPg?.();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
    cli: async (args, input) => {
      const child = run(process.execPath, [BIN, ...args], { env: current(), timeout: timeoutMs });
      if (input !== undefined) child.child.stdin?.end(input);
      try {
        const { stdout, stderr } = await child;
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    },
    withRuntime: async (fn) => {
      const config = loadConfig(current());
      const db = await openDatabase(config.database, { migrate: true });
      try {
        return await fn({ db, vault: await loadVault(config, () => undefined), now: () => new Date() });
      } finally {
        await db.close();
      }
    },
  };
}
