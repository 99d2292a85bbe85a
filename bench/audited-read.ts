/**
 * Foundation issue, point 11: a minimal audited read route at >= 50% of the
 * throughput of the same route with auditing off (8 concurrent clients over
 * loopback, PostgreSQL), with the chainer keeping the unchained tail under a
 * second. The route opens one sealed record in a workspace transaction; the
 * audited variant also appends a `contact.read` event in that transaction.
 */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createAppContext } from '../src/context.js';
import { recordAudit, unchainedCount, verifyAudit } from '../src/platform/audit/index.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import { createWorkspace } from '../src/modules/workspaces/service.js';
import { benchDatabase, load, median, print } from './lib.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Target {
  workspaceId: string;
  userId: string;
}

function benchRoutes(target: Target) {
  return (app: FastifyInstance, ctx: Awaited<ReturnType<typeof createAppContext>>): void => {
    const read = async (audited: boolean): Promise<{ email: string }> =>
      ctx.db.withWorkspace(target.workspaceId, async (trx) => {
        const row = await sql<{ email_ciphertext: Buffer; record_version: number }>`
          select email_ciphertext, record_version from users where id = ${target.userId}`.execute(trx);
        const r = row.rows[0];
        if (!r) throw new Error('missing row');
        const plain = await ctx.vault.open(
          trx,
          { workspaceId: target.workspaceId, subjectId: null, table: 'users', rowId: target.userId, column: 'email', recordVersion: r.record_version },
          r.email_ciphertext,
        );
        if (audited) {
          await recordAudit(trx, {
            action: 'contact.read',
            actor: { type: 'user', id: target.userId },
            subjectIds: [target.userId],
            purpose: 'crm.view',
          });
        }
        return { email: plain.toString('utf8') };
      });
    app.get('/bench/plain', { config: { permission: 'public' } }, () => read(false));
    app.get('/bench/audited', { config: { permission: 'public' } }, () => read(true));
  };
}

export async function run(): Promise<void> {
  const pgdb = await benchDatabase();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-bench-'));
  const config = {
    ...loadConfig({ PORT: '0', DATA_DIR: path.join(tmp, 'data'), CONFIDANT_KEYS_DIR: path.join(tmp, 'keys'), LOG_LEVEL: 'silent' }),
    database: { kind: 'postgres' as const, ownerUrl: pgdb.ownerUrl, appUrl: pgdb.appUrl, poolSize: 16 },
  };
  const db = await openDatabase(config.database, { migrate: true });
  const ctx = await createAppContext(config, db, { logger: createLogger('silent'), chainIntervalMs: 200 });
  const created = await createWorkspace(
    { db, vault: ctx.vault, recordAudit },
    { name: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.example', ownerPassword: 'bench password 123', now: new Date() },
  );
  const target = { workspaceId: created.workspaceId, userId: created.ownerUserId };
  const app = await buildApp(ctx, { extraRoutes: [benchRoutes(target)] });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  ctx.chainer.start();

  const plain: number[] = [];
  const audited: number[] = [];
  const tailAges: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      tailAges.push((await unchainedCount(db)).oldestAgeSeconds ?? 0);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  await load(`${base}/bench/audited`, CLIENTS, 1); // warm-up both paths
  await load(`${base}/bench/plain`, CLIENTS, 1);
  for (let i = 0; i < ROUNDS; i++) {
    const p = await load(`${base}/bench/plain`, CLIENTS, SECONDS);
    const a = await load(`${base}/bench/audited`, CLIENTS, SECONDS);
    if (p.errors + a.errors > 0) throw new Error(`errors during the run: ${p.errors + a.errors}`);
    plain.push(p.rps);
    audited.push(a.rps);
    print(`round ${i + 1}: unaudited ${p.rps.toFixed(0)} req/s (p99 ${p.p99.toFixed(1)} ms), audited ${a.rps.toFixed(0)} req/s (p99 ${a.p99.toFixed(1)} ms)`);
  }
  sampling = false;
  await sampler;
  await ctx.chainer.stop();
  await ctx.chainer.tick();
  const verify = await verifyAudit(db, ctx.audit);
  const ratio = median(audited) / median(plain);
  print(`audited read: median ${median(audited).toFixed(0)} req/s vs unaudited ${median(plain).toFixed(0)} req/s → ratio ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'OK' : 'MISSED'}`);
  const maxTail = Math.max(...tailAges);
  print(`unchained tail (sampled every 250 ms): max age ${maxTail.toFixed(2)} s, median ${median(tailAges).toFixed(2)} s (target < 1 s) ${maxTail < 1 ? 'OK' : 'MISSED'}`);
  print(`chain after the run: ${verify.checked} events, intact=${verify.intact}`);

  await app.close();
  ctx.mailTransport.close();
  await db.close();
  await pgdb.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
