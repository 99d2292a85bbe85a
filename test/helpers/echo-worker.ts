/** A worker for src/platform/workers.test.ts: answers each message with workerData and a TypeScript-only construct. */
import { parentPort, workerData } from 'node:worker_threads';

enum Kind {
  Echo = 'echo',
}

parentPort!.on('message', (m: string) => {
  parentPort!.postMessage({ kind: Kind.Echo, m, data: workerData as unknown });
});
