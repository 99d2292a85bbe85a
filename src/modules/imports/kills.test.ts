/**
 * Each row lands once, whatever was killed or resumed (docs/imports.md "How
 * it runs", "Resuming"): processes importing one file are killed
 * with SIGKILL at random points, 20 times, each leaving an import behind
 * (mid-upload, queued, or part landed); re-running the command is refused
 * with the id to resume; a server's worker then resumes every one of them
 * at once; the command run again lands nothing new. Every person of the
 * file exists exactly once. Before, each resumed run matched duplicates only
 * against what existed when it started, and the file was landed many times.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcessEnv } from '../../../test/helpers/cli-process.js';
import { JobRunner } from '../../platform/jobs/index.js';
import { failInterruptedUploads, INTERRUPTED_UPLOAD_MS } from './purge.js';
import { runImportJob } from './routes.js';
import { IMPORT_JOB } from './service.js';

const CHILD = path.resolve('test/helpers/import-kill-child.ts');
const proc = cliProcessEnv('confidant-kills-', 240_000);
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

/** A seeded generator: the kill points are random, and the same on every run of the test. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Starts the child and kills it with SIGKILL when it reaches `point`:
 * -1 as soon as the import row exists (mid-upload), 0 once it is queued,
 * k > 0 after its k-th committed batch.
 */
async function importKilledAt(workspaceId: string, file: string, batch: number, point: number): Promise<{ id: string | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, workspaceId, file, String(batch), String(point)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not reach its kill point in time: ${out} ${err}`));
    }, 50_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const reached = point < 0 ? /^created /m.test(out) : point === 0 ? /^stored /m.test(out) : (out.match(/^batch /gm) ?? []).length >= point;
      if (reached && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ id: /^created (\S+)/m.exec(out)?.[1] ?? null, signal, out, err });
    });
  });
}

const ROWS = 200;
const BATCH = 20;

describe('an import killed 20 times and resumed all at once', () => {
  it('leaves every person of the file exactly once', { timeout: 600_000 }, async () => {
    const created = await cli(
      ['workspace', 'create', '--name', 'Kills', '--slug', 'kills', '--owner-email', 'owner@kills.example', '--owner-password-file', '-', '--json'],
      'a long enough owner password\n',
    );
    expect(created.code, created.stderr).toBe(0);
    const workspaceId = (JSON.parse(created.stdout) as { workspaceId: string }).workspaceId;
    const file = path.join(tmp, 'people.csv');
    fs.writeFileSync(file, ['firstName,lastName,email,phone',
      ...Array.from({ length: ROWS }, (_, i) => `Kill,Person${i},kill${i}@example.org,+49 151 ${String(30_000_000 + i)}`)].join('\n'));

    const next = random(15);
    const ids: string[] = [];
    for (let k = 0; k < 20; k += 1) {
      const point = Math.floor(next() * 7) - 1;
      const killed = await importKilledAt(workspaceId, file, BATCH, point);
      expect(killed.signal, `${killed.out}${killed.err}`).toBe('SIGKILL');
      expect(killed.out).not.toMatch(/^end /m);
      if (killed.id) ids.push(killed.id);
    }
    expect(ids.length).toBe(20);

    // Re-running the command names an unfinished import of the file and how to continue it, and starts nothing.
    const again = await cli(['contacts', 'import', file, '--workspace', 'kills', '--lawful-basis', 'consent', '--source', 'kill test', '--json']);
    expect(again.code).not.toBe(0);
    const named = /unfinished: ([0-9a-f-]{36})[^;]*; continue it with: confidant contacts import --resume \1 --workspace kills/.exec(again.stderr);
    expect(named, again.stderr).not.toBeNull();
    expect(ids).toContain(named![1]);

    await withRuntime(async (ctx) => {
      const count = async (q: string): Promise<number> => ctx.db.withWorkspace(workspaceId, async (trx) =>
        (await sql.raw<{ n: number }>(q).execute(trx)).rows[0]!.n);
      const before = await count('select count(*)::int as n from contacts');
      expect(before).toBeLessThan(ROWS);
      // The uploads cut off mid-way are failed once they stop moving (the clock moved past the bound).
      await failInterruptedUploads(ctx, new Date(Date.now() + INTERRUPTED_UPLOAD_MS + 60_000));
      // A server's worker takes every queued import at once, as its runner claims them.
      const jobs = new JobRunner(ctx.db, { batchSize: 32 });
      jobs.register(IMPORT_JOB, (job) => runImportJob(ctx, job));
      const report = await jobs.runOnce(new Date());
      expect(report.failed).toBe(0);
      expect(report.claimed).toBeGreaterThan(1);
      const states = await ctx.db.withWorkspace(workspaceId, async (trx) =>
        (await sql<{ status: string; error_code: string | null }>`select status, error_code from imports`.execute(trx)).rows);
      expect(states).toHaveLength(20);
      for (const s of states) expect([['done', null], ['failed', 'upload_interrupted']]).toContainEqual([s.status, s.error_code]);
      expect(await count('select count(*)::int as n from contacts')).toBe(ROWS);
      expect(await count('select count(distinct value)::int as n from contact_lookup where kind = 1')).toBe(ROWS);
      expect(await count('select count(*)::int as n from contact_lookup where kind = 1')).toBe(ROWS);
    });

    // The command again: nothing unfinished now, so a new import, which finds everyone there.
    const last = await cli(['contacts', 'import', file, '--workspace', 'kills', '--lawful-basis', 'consent', '--source', 'kill test', '--json']);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ status: 'done', processed: ROWS, created: 0, skipped: ROWS });
    await withRuntime(async (ctx) => {
      const n = await ctx.db.withWorkspace(workspaceId, async (trx) => (await sql<{ n: number }>`select count(*)::int as n from contacts`.execute(trx)).rows[0]!.n);
      expect(n).toBe(ROWS);
    });
  });
});
