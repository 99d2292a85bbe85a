/**
 * Worker threads running this codebase's TypeScript. The CLI and the server
 * run the sources through tsx (bin/confidant.mjs), and a worker does not
 * inherit the parent's loader: each registers tsx before importing its file.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(file: URL, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}
