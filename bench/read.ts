/**
 * `npm run bench read`: the real audited contact read `GET /api/v1/contacts/{id}`
 * against the same read with auditing off — a bench-only route that runs the
 * same service read (auth hook, workspace transaction, visibility check, one
 * record opened) without `recordPersonalRead` — on BENCH_CONTACTS loaded
 * contacts, 8 clients (one API token each), random contacts, medians of
 * alternating rounds. Target: audited ≥ 50% of unaudited throughput.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { buildApp } from '../src/app.js';
import { visibleRow } from '../src/modules/contacts/access.js';
import { toView } from '../src/modules/contacts/index.js';
import { openRecords } from '../src/modules/contacts/record.js';
import { IdParamsSchema } from '../src/modules/contacts/schemas.js';
import { requireAuth } from '../src/kernel/auth.js';
import { unchainedCount } from '../src/platform/audit/index.js';
import { loadedWorkspace, picker, type AppCtx } from './contacts-load.js';
import { loadInWorker, median, planRequests, print } from './lib.js';
import { issueTokens } from './search.js';

const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The real route's read, minus the audit event and the read-budget ledger. */
function unauditedRoute(app: FastifyInstance, ctx: AppCtx): void {
  app.withTypeProvider<ZodTypeProvider>().get('/bench/contacts/:id', {
    config: { permission: 'contacts:read' },
    schema: { params: IdParamsSchema },
  }, async (req) => {
    const auth = requireAuth(req);
    return ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
      const row = await visibleRow(trx, auth, req.params.id);
      const record = (await openRecords(trx, ctx.vault, auth.workspaceId, [row])).get(row.id)!;
      return toView(row, record);
    });
  });
}

export async function run(): Promise<void> {
  const l = await loadedWorkspace();
  let app: FastifyInstance | null = null;
  try {
    app = await buildApp(l.ctx, { extraRoutes: [unauditedRoute] });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    l.ctx.chainer.start();
    const tokens = await issueTokens(l, CLIENTS);
    const pick = picker(1234);
    const next = (path: string) => (c: number) => ({
      url: `${base}${path}${l.sample[pick(l.sample.length)]![1]}`,
      init: { headers: { authorization: `Bearer ${tokens[c]}` } },
    });
    const plainNext = next('/bench/contacts/');
    const auditedNext = next('/api/v1/contacts/');
    const plainPlan = planRequests(plainNext, CLIENTS, 2_000);
    const auditedPlan = planRequests(auditedNext, CLIENTS, 2_000);
    await loadInWorker(auditedPlan, 1); // warm-up both paths
    await loadInWorker(plainPlan, 1);
    const plain: number[] = [];
    const audited: number[] = [];
    print(`${CLIENTS} clients, ${ROUNDS} alternating rounds of ${SECONDS} s, ${l.contacts.toLocaleString('en')} contacts (${l.sample.length} distinct read)`);
    for (let i = 0; i < ROUNDS; i++) {
      const p = await loadInWorker(plainPlan, SECONDS);
      const a = await loadInWorker(auditedPlan, SECONDS);
      if (p.errors + a.errors > 0) throw new Error(`errors during the run: ${p.errors + a.errors}`);
      plain.push(p.rps);
      audited.push(a.rps);
      print(`round ${i + 1}: unaudited ${p.rps.toFixed(0)} req/s (p50 ${p.p50.toFixed(1)}, p99 ${p.p99.toFixed(1)} ms), audited ${a.rps.toFixed(0)} req/s (p50 ${a.p50.toFixed(1)}, p99 ${a.p99.toFixed(1)} ms)`);
    }
    const ratio = median(audited) / median(plain);
    print(`audited contact read: median ${median(audited).toFixed(0)} req/s vs unaudited ${median(plain).toFixed(0)} req/s → ratio ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'OK' : 'MISSED'}`);
    await l.ctx.chainer.stop();
    const tail = await unchainedCount(l.db);
    print(`unchained audit tail after the run: ${tail.oldestAgeSeconds?.toFixed(2) ?? '0'} s old`);
  } finally {
    await app?.close();
    await l.close();
  }
}
