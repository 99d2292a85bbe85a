/**
 * `confidant contacts import` end to end (a real process, PGlite files or
 * PostgreSQL), and the crash test: a process running an import is killed with
 * SIGKILL mid-run; no half-written contact remains, and resuming lands exactly
 * the contacts not yet committed, once each, when the operator continues it
 * with `--resume <id>`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcessEnv } from '../../../test/helpers/cli-process.js';
import type { Database } from '../../platform/db/database.js';
import { findByEmail } from '../contacts/index.js';
import { createImport, importStatus } from './service.js';

const CHILD = path.resolve('test/helpers/import-child.ts');
const proc = cliProcessEnv('confidant-import-', 150_000);
const tmp = proc.tmp;
const { cli, withRuntime } = proc;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await proc.open();
  env = proc.env();
});
afterAll(async () => {
  await proc.close();
});

const people = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `Kill,Person${from + k},kill${from + k}@example.org`);

describe('confidant contacts import', () => {
  let workspaceId: string;

  // Each spawns several CLI processes (PGlite opened by each): slow on a busy machine.
  it('imports a file in-process and prints the GET /imports/{id} object with --json', { timeout: 180_000 }, async () => {
    const created = await cli(
      ['workspace', 'create', '--name', 'Acme', '--slug', 'acme', '--owner-email', 'owner@acme.example', '--owner-password-file', '-', '--json'],
      'a long enough owner password\n',
    );
    expect(created.code, created.stderr).toBe(0);
    workspaceId = (JSON.parse(created.stdout) as { workspaceId: string }).workspaceId;

    const file = path.join(tmp, 'people.csv');
    fs.writeFileSync(file, 'Given\tFamily\tMail\nLin\tChen\tlin@example.org\nBad\tRow\tnot-an-email\n');
    const mapping = path.join(tmp, 'mapping.json');
    fs.writeFileSync(mapping, JSON.stringify({ Given: 'firstName', Family: 'lastName', Mail: 'email' }));
    const r = await cli(['contacts', 'import', file, '--workspace', 'acme', '--lawful-basis', 'contract', '--source', 'crm migration', '--mapping', mapping, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'done', processed: 2, created: 1, updated: 0, skipped: 0, rejected: 1 });
    // The import is named as it starts, with the command that continues it.
    expect(r.stderr).toContain(`import ${String(status.id)} started; if it stops, continue it with: confidant contacts import --resume ${String(status.id)} --workspace acme`);
    expect(status.errorsUrl).toBe(`/api/v1/imports/${String(status.id)}/errors`);

    // Again with --duplicates update and an inline mapping: the known person is updated.
    const again = await cli(['contacts', 'import', file, '--workspace', 'acme', '--lawful-basis', 'contract', '--source', 's',
      '--mapping', '{"Given":"firstName","Family":"lastName","Mail":"email"}', '--duplicates', 'update', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'done', created: 0, updated: 1, rejected: 1 });

    const bad = await cli(['contacts', 'import', file, '--workspace', 'acme', '--lawful-basis', 'hunch', '--source', 's']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/lawfulBasis/);
  });

  it('a process killed with SIGKILL mid-import (two worker threads preparing) leaves whole batches only; resuming lands each remaining row once', { timeout: 180_000 }, async () => {
    const total = 60;
    const csv = ['firstName,lastName,email', ...people(0, total)].join('\n');
    const importId = await withRuntime((ctx) => createImport(ctx, workspaceId, { type: 'operator', id: null }, Readable.from([Buffer.from(csv)]), () => ({ lawfulBasis: 'consent', source: 'kill test' })));

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, workspaceId, importId, '4', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const killed = await new Promise<{ batches: number; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the child made no progress in time: ${out} ${err}`));
      }, 45_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(/^batch /gm) ?? []).length >= 3 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => {
        clearTimeout(timer);
        resolve({ batches: (out.match(/^batch /gm) ?? []).length, signal });
      });
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(out).not.toMatch(/^end /m);
    expect(killed.batches).toBeGreaterThanOrEqual(3);

    const count = async (ctx: { db: Database }) => ctx.db.withWorkspace(workspaceId, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from contacts`.execute(trx)).rows[0]!.n);
    const before = await withRuntime(async (ctx) => {
      const s = await importStatus(ctx, workspaceId, importId);
      expect(s!.status).toBe('running');
      // Whole batches only: the contacts that exist are exactly the counted ones, a multiple of the batch.
      expect(await count(ctx) - 1 /* the first test's contact */).toBe(s!.created);
      expect(s!.created % 4).toBe(0);
      expect(s!.created).toBeGreaterThanOrEqual(12);
      expect(s!.created).toBeLessThan(total);
      return s!;
    });

    // Continued by the operator with the id the import was named by.
    const resumed = await cli(['contacts', 'import', '--resume', importId, '--workspace', 'acme', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`import ${importId}: resuming`);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: importId, status: 'done', processed: total, created: total, rejected: 0 });
    // Again: it is done, and says so; a file beside --resume, or an id of no import, is refused.
    expect(JSON.parse((await cli(['contacts', 'import', '--resume', importId, '--workspace', 'acme', '--json'])).stdout)).toMatchObject({ status: 'done', created: total });
    const withFile = await cli(['contacts', 'import', path.join(tmp, 'people.csv'), '--resume', importId, '--workspace', 'acme']);
    expect(withFile.code).not.toBe(0);
    expect(withFile.stderr).toMatch(/--resume continues a stored import: give no file/);
    const unknown = await cli(['contacts', 'import', '--resume', '00000000-0000-4000-8000-000000000000', '--workspace', 'acme']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no import 00000000-0000-4000-8000-000000000000 in this workspace/);

    await withRuntime(async (ctx) => {
      expect(await count(ctx)).toBe(total + 1);
      await ctx.db.withWorkspace(workspaceId, async (trx) => {
        for (const i of [0, before.created - 1, before.created, total - 1]) {
          const found = await findByEmail(ctx, trx, workspaceId, `kill${i}@example.org`);
          expect(found.map((c) => c.lastName)).toEqual([`Person${i}`]);
        }
      });
      // The upload is gone once the import is done.
      const chunks = await ctx.db.withWorkspace(workspaceId, async (trx) =>
        (await sql<{ n: number }>`select count(*)::int as n from import_chunks where import_id = ${importId} and kind = 1`.execute(trx)).rows[0]!.n);
      expect(chunks).toBe(0);
    });
  });
});
