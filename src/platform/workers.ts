/**
 * Worker threads running this codebase's TypeScript. The CLI and the server
 * run the sources through tsx (bin/confidant.mjs), and a worker does not
 * inherit the parent's loader. Registering tsx in each worker works but costs
 * ≈ 110 MB a worker (its own loader thread and transpiler); so the worker's
 * entry is bundled once per process with esbuild (its own code only; packages
 * stay imports) into node_modules/.cache/confidant/, where those imports
 * resolve, and runs as plain JavaScript (≈ 40 MB). If that directory cannot
 * be written, the worker registers tsx instead.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const bundles = new Map<string, Promise<URL | null>>();

/** The project's node_modules (where esbuild itself was installed). */
function nodeModulesDir(): string {
  const esbuildMain = fileURLToPath(import.meta.resolve('esbuild'));
  const at = esbuildMain.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (at < 0) throw new Error('esbuild is not under a node_modules directory');
  return esbuildMain.slice(0, at + '/node_modules'.length);
}

async function bundle(entry: URL): Promise<URL | null> {
  try {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20',
      packages: 'external', write: false, logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.contents;
    const dir = path.join(nodeModulesDir(), '.cache', 'confidant');
    fs.mkdirSync(dir, { recursive: true });
    // Named by content: processes of different versions never share a file, and a rename is atomic.
    const file = path.join(dir, `worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!fs.existsSync(file)) {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code, { mode: 0o644 });
      fs.renameSync(tmp, file);
    }
    return pathToFileURL(file);
  } catch {
    return null;
  }
}

function tsxWorker(file: URL, workerData: unknown, limits: Pick<WorkerOptions, 'resourceLimits'> = {}): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(code, { eval: true, workerData, ...limits });
}

export interface WorkerStartOptions {
  /** false forces the tsx path (tests). */
  bundled?: boolean;
  /** Heap bounds (V8 grows a busy worker's heap far past its live data otherwise). */
  resourceLimits?: WorkerOptions['resourceLimits'];
}

/** A worker running `file` (a TypeScript module of this codebase) with `workerData`. */
export async function startTsWorker(file: URL, workerData: unknown, opts: WorkerStartOptions = {}): Promise<Worker> {
  if (opts.bundled === false) return tsxWorker(file, workerData, opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {});
  let built = bundles.get(file.href);
  if (!built) bundles.set(file.href, (built = bundle(file)));
  const url = await built;
  const limits = opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {};
  return url ? new Worker(url, { workerData, ...limits }) : tsxWorker(file, workerData, limits);
}
