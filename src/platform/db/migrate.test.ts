import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationChecksumError, pgliteRunner, runMigrations, type SqlRunner } from './migrate.js';

let pglite: PGlite;
let runner: SqlRunner;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-migrations-'));

beforeAll(async () => {
  pglite = await PGlite.create();
  runner = pgliteRunner(pglite);
});
afterAll(async () => {
  await pglite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('applies pending files in order, once', async () => {
    fs.writeFileSync(path.join(dir, '0001_first.sql'), 'create table t1 (id int);');
    fs.writeFileSync(path.join(dir, '0002_second.sql'), 'insert into t1 values (1);');
    expect(await runMigrations(runner, dir)).toEqual({ applied: ['0001_first.sql', '0002_second.sql'], alreadyApplied: 0 });
    expect(await runMigrations(runner, dir)).toEqual({ applied: [], alreadyApplied: 2 });
    const rows = await runner.query('select count(*)::int as n from t1');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('a failing migration rolls back entirely and is not recorded', async () => {
    fs.writeFileSync(path.join(dir, '0003_broken.sql'), 'create table t3 (id int); select * from no_such_table;');
    await expect(runMigrations(runner, dir)).rejects.toThrow(/0003_broken.sql failed/);
    const t3 = await runner.query(`select to_regclass('t3') as r`);
    expect(t3).toEqual([{ r: null }]);
    fs.rmSync(path.join(dir, '0003_broken.sql'));
  });

  it('refuses to go on when an applied file was changed', async () => {
    fs.writeFileSync(path.join(dir, '0002_second.sql'), 'insert into t1 values (2);');
    await expect(runMigrations(runner, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
    await expect(runMigrations(runner, dir)).rejects.toThrow(/0002_second.sql was changed after it was applied/);
  });
});
