/**
 * Sealing and opening a contact-sized record (8 fields of JSON, ~400 bytes) with
 * the vault's synchronous bulk path, per second on one core, against one bare
 * AES-256-GCM createCipheriv + final on the same bytes. No database: this is the
 * CPU cost an import pays per record once its keys are fetched.
 *
 *   node --import tsx bench/crypto.ts     (or `npm run bench crypto`)
 */
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { hmac, truncateBits } from '../src/platform/crypto/envelope.js';
import { openJsonWithKey, sealJsonWithKey, type DataKey, type SealTarget } from '../src/platform/crypto/fields.js';
import { median, print } from './lib.js';

const RUNS = 7;
const RUN_MS = 400;

function contact(): Record<string, string> {
  return {
    firstName: 'Margarethe',
    lastName: 'Schwarzenberger-Lindqvist',
    email: 'margarethe.schwarzenberger@example-company.org',
    phone: '+49 30 123456789',
    company: 'Example Company GmbH & Co. KG',
    address: 'Friedrichstraße 123, Hinterhaus 4. OG, 10117 Berlin, Deutschland',
    jobTitle: 'Head of Procurement and Strategic Partnerships',
    notes: 'Met at the trade fair; prefers email; follow up about the Q3 framework agreement and the DPA.',
  };
}

/** Operations per second of `fn`, median of RUNS timed runs after a warm-up. */
function opsPerSecond(fn: () => void): number {
  const rates: number[] = [];
  for (let run = -1; run < RUNS; run++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < RUN_MS) {
      for (let i = 0; i < 256; i++) fn();
      n += 256;
      elapsed = performance.now() - start;
    }
    if (run >= 0) rates.push((n * 1000) / elapsed);
  }
  return median(rates);
}

export async function run(): Promise<void> {
  const workspaceId = randomUUID();
  const subjectId = randomUUID();
  const key: DataKey = { workspaceId, subjectId, version: 1, key: randomBytes(32) };
  const target: SealTarget = { workspaceId, subjectId, table: 'contacts', rowId: subjectId, column: 'record', recordVersion: 1 };
  const record = contact();
  const bytes = Buffer.from(JSON.stringify(record));
  const sealed = sealJsonWithKey(key, target, record);
  const indexKey = randomBytes(32);

  const bare = opsPerSecond(() => {
    const c = createCipheriv('aes-256-gcm', key.key, randomBytes(12), { authTagLength: 16 });
    c.update(bytes);
    c.final();
    c.getAuthTag();
  });
  const seal = opsPerSecond(() => sealJsonWithKey(key, target, record));
  const open = opsPerSecond(() => openJsonWithKey(key, target, sealed));
  const bidx = opsPerSecond(() => truncateBits(hmac(indexKey, 'margarethe.schwarzenberger@example-company.org'), 32));

  const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
  print(`record: ${bytes.length} bytes of JSON, sealed ${sealed.length} bytes (+${sealed.length - bytes.length})`);
  print(`bare createCipheriv+final (baseline) ${fmt(bare)} per core`);
  print(`seal record (JSON + AAD + GCM)       ${fmt(seal)} per core   ratio ${(seal / bare).toFixed(2)}`);
  print(`open record (GCM + AAD + JSON.parse) ${fmt(open)} per core   ratio ${(open / bare).toFixed(2)}`);
  print(`blind index (HMAC-SHA256, 32 bits)   ${fmt(bidx)} per core`);
  print(`=> 1M contacts: seal ≈ ${(1e6 / seal).toFixed(1)} CPU-s, open ≈ ${(1e6 / open).toFixed(1)} CPU-s (medians of ${RUNS} runs)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
