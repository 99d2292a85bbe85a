/**
 * `npm run bench [name…]`: runs the benchmarks (all, or those named) one after
 * another and prints their figures. Each benchmark prints medians and a ratio
 * against a baseline measured in the same run; machines are shared and noisy.
 * Database benchmarks use PostgreSQL at BENCH_DATABASE_URL (default: the local
 * server), creating and dropping a database of their own.
 */
import os from 'node:os';

const benches: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  crypto: () => import('./crypto.js'),
  'audited-read': () => import('./audited-read.js'),
  'read-window': () => import('./read-window.js'),
  'contacts-load': () => import('./contacts-load.js'),
  search: () => import('./search.js'),
  read: () => import('./read.js'),
  import: () => import('./import.js'),
  'profile-http': () => import('./profile-http.js'),
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(benches);
console.warn(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.warn(`\n== ${name} ==`);
  const mod = await load();
  await mod.run();
}
