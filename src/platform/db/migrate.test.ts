import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  EARLIER_CHECKSUMS,
  MIGRATIONS_DIR,
  MigrationChecksumError,
  listMigrations,
  pgliteRunner,
  runMigrations,
  type SqlRunner,
} from './migrate.js';

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

describe('landed migrations', () => {
  // `<sha256>  <file>` per line, as `sha256sum` writes it (operators can run `sha256sum -c`).
  const listed = new Map(
    fs
      .readFileSync(path.join(MIGRATIONS_DIR, 'checksums.sha256'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [sum, name] = line.split(/\s+/);
        return [name!, sum!] as const;
      }),
  );

  it('keep the checksums recorded in src/migrations/checksums.sha256', () => {
    const changed = listMigrations()
      .filter((m) => listed.has(m.name) && listed.get(m.name) !== m.checksum)
      .map((m) => m.name);
    // A landed migration is never edited: restore it and put the change in a new file.
    expect(changed).toEqual([]);
  });

  it('are each recorded (a new migration adds its line when it lands)', () => {
    const unlisted = listMigrations().map((m) => m.name).filter((name) => !listed.has(name));
    expect(unlisted).toEqual([]);
    const missing = [...listed.keys()].filter((name) => !fs.existsSync(path.join(MIGRATIONS_DIR, name)));
    expect(missing).toEqual([]);
  });

  it('accept only the recorded earlier checksum of a file edited before the rule was enforced', async () => {
    const own = await PGlite.create();
    const ownDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-migrations-alias-'));
    try {
      const r = pgliteRunner(own);
      const edited = 'create table a1 (id int, note text);';
      fs.writeFileSync(path.join(ownDir, '0001_a.sql'), edited);
      await runMigrations(r, ownDir);
      // The landed text is restored in the file; the database had applied the edited one.
      fs.writeFileSync(path.join(ownDir, '0001_a.sql'), 'create table a1 (id int);');
      await expect(runMigrations(r, ownDir, {})).rejects.toBeInstanceOf(MigrationChecksumError);
      const editedSum = createHash('sha256').update(edited).digest('hex');
      expect(await runMigrations(r, ownDir, { '0001_a.sql': [editedSum] })).toEqual({ applied: [], alreadyApplied: 1 });
      await expect(runMigrations(r, ownDir, { '0001_a.sql': ['0'.repeat(64)] })).rejects.toBeInstanceOf(MigrationChecksumError);
    } finally {
      await own.close();
      fs.rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it('0018 is back to its landed text, and only its edited text is excused', () => {
    expect(listed.get('0018_record_read_function.sql')).toBe('1aaa7bc694cc6bece35eebeb5bb83448b3367607f9bccb3a72c08301e4054a77');
    expect(Object.keys(EARLIER_CHECKSUMS)).toEqual(['0018_record_read_function.sql']);
  });
});
