/**
 * `npm run bench profile-http`: where an HTTP search's time goes. Runs 8
 * clients of one figure (BENCH_FIGURE: id | email | q<N>, default q3) against
 * the kept load for BENCH_SECONDS, under the CPU profiler of this process
 * (the server), and prints the functions with the most self time, plus the
 * per-step wall time of the route's own work from direct calls.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { companyName, generateContact } from './contacts-gen.js';
import { loadedWorkspace, picker } from './contacts-load.js';
import { loadInWorker, planRequests, print } from './lib.js';
import { issueTokens } from './search.js';
import { foldWords } from '../src/modules/contacts/normalize.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export async function run(): Promise<void> {
  const l = await loadedWorkspace();
  let app: FastifyInstance | null = null;
  const figure = process.env.BENCH_FIGURE ?? 'q3';
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  try {
    app = await buildApp(l.ctx, {});
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const tokens = await issueTokens(l, 8);
    const pick = picker(99);
    const word = (len: number) => {
      for (;;) {
        const g = generateContact(pick(l.contacts), l.companyCount);
        const w = [g.input.firstName, g.input.lastName, g.input.emails[0]!.address, g.company === null ? '' : companyName(g.company)].flatMap(foldWords).filter((x) => Array.from(x).length >= len);
        if (w.length > 0) return Array.from(w[pick(w.length)]!).slice(0, len).join('');
      }
    };
    const url = (): string => {
      if (figure === 'id') return `${base}/api/v1/contacts/${l.sample[pick(l.sample.length)]![1]}`;
      if (figure === 'email') return `${base}/api/v1/contacts?email=${encodeURIComponent(generateContact(pick(l.contacts), l.companyCount).input.emails[0]!.address)}`;
      return `${base}/api/v1/contacts?q=${encodeURIComponent(word(Number(figure.slice(1))))}`;
    };
    const clients = Number(process.env.BENCH_CLIENTS ?? 8);
    const plan = planRequests((c) => ({ url: url(), init: { headers: { authorization: `Bearer ${tokens[c]}` } } }), clients, 1000);
    await loadInWorker(plan, 1);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const r = await loadInWorker(plan, seconds);
    const { profile } = await session.post('Profiler.stop');
    print(`${figure}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}`);
    fs.writeFileSync(`/tmp/prof/${figure}.cpuprofile`, JSON.stringify(profile));
    const nodes = profile.nodes as Node[];
    const total = nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
    const self = new Map<string, number>();
    for (const n of nodes) {
      const file = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/');
      const k = `${n.callFrame.functionName || '(anon)'} ${file}:${n.callFrame.lineNumber}`;
      self.set(k, (self.get(k) ?? 0) + (n.hitCount ?? 0));
    }
    const byPkg = new Map<string, number>();
    for (const n of nodes) {
      const u = n.callFrame.url;
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
      const k = m ? m[1]! : u.includes('/src/') ? 'src' : u === '' ? `(${n.callFrame.functionName})` : 'node:internal';
      byPkg.set(k, (byPkg.get(k) ?? 0) + (n.hitCount ?? 0));
    }
    print('self time by package:');
    for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) print(`  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
    print('top functions by self time:');
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) print(`  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  } finally {
    await app?.close();
    await l.close();
  }
}
