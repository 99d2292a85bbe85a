import { describe, expect, it } from 'vitest';
import { startTsWorker } from './workers.js';

const ECHO = new URL('../../test/helpers/echo-worker.ts', import.meta.url);

async function ask(bundled: boolean): Promise<unknown> {
  const w = await startTsWorker(ECHO, { n: 42, key: Buffer.from('k') }, { bundled });
  try {
    return await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage('hello');
    });
  } finally {
    await w.terminate();
  }
}

describe('TypeScript worker threads', () => {
  it('run bundled (plain JavaScript) and through tsx alike', async () => {
    const expected = { kind: 'echo', m: 'hello', data: { n: 42, key: new Uint8Array(Buffer.from('k')) } };
    expect(await ask(true)).toEqual(expected);
    expect(await ask(false)).toEqual(expected);
  });
});
