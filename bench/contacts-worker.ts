/**
 * One loader thread (bench/contacts-load.ts): generates its share of the
 * contacts, builds each record with the module's own `recordOf`, seals it with
 * `sealContact`, computes its blind values with `indexesOf`, wraps its
 * subject key, and streams all three tables into PostgreSQL with COPY on its
 * own connections. Crypto and COPY overlap: the database parses one chunk
 * while this thread seals the next.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { INDEX_NAMES, indexersFromKeys, indexesOf, type Indexers } from '../src/modules/contacts/lookup.js';
import { recordOf } from '../src/modules/contacts/prepare.js';
import { sealContact } from '../src/modules/contacts/record.js';
import { clusteredIds } from '../src/modules/contacts/make.js';
import { deriveKey, encodeAad, gcmSeal } from '../src/platform/crypto/envelope.js';
import { generateContact } from './contacts-gen.js';

export interface WorkerJob {
  dbUrl: string;
  workspaceId: string;
  ownerId: string;
  /** The unwrapped workspace key (current version) and its version. */
  root: Uint8Array;
  wsVersion: number;
  /** Generated companies, by generator index: id and name. */
  companies: Array<{ id: string; name: string }>;
  companyCount: number;
  from: number;
  to: number;
  /** The UTC ms of contact 0's created_at (later contacts are older by 1 ms each). */
  epochMs: number;
}

export interface WorkerDone {
  sealed: number;
  lookupRows: number;
  /** Blind terms written (contacts.terms). */
  terms: number;
  /** Milliseconds spent generating, sealing and indexing (not waiting for COPY). */
  cryptoMs: number;
  /** Sample of (index, id) pairs for the correctness check. */
  ids: Array<[number, string]>;
}

const CHUNK = 1000;

/**
 * The vault's key schedule for bulk use without a transaction. Mirrors
 * Vault.bulkKeys (HKDF `index/<name>` of the workspace key) and
 * wrapSubjectKey (`wrap/subject`, AAD subject-key|ws|id): the loader's final
 * check opens sampled records through a fresh Vault and finds them through
 * the real service, so a drift here fails the load instead of passing quietly.
 */
function indexersOf(workspaceId: string, root: Buffer): Indexers {
  // Every index the module declares (INDEX_NAMES), so a new one is loaded too.
  const indexKeys = Object.fromEntries(INDEX_NAMES.map((name) => [name, deriveKey(root, `index/${name}`)]));
  return indexersFromKeys({ workspaceId, indexKeys });
}

const hex = (b: Buffer): string => `\\\\x${b.toString('hex')}`;

async function copyInto(client: pg.Client, table: string, columns: string): Promise<Writable> {
  return client.query(copyFrom(`copy ${table} (${columns}) from stdin`));
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function finish(stream: Writable): Promise<void> {
  const done = once(stream, 'finish');
  stream.end();
  await done;
}

async function main(job: WorkerJob): Promise<WorkerDone> {
  const root = Buffer.from(job.root);
  const ix = indexersOf(job.workspaceId, root);
  const wrapKey = deriveKey(root, 'wrap/subject');
  const ws = job.workspaceId;
  const clients = [0, 1, 2].map(() => new pg.Client({ connectionString: job.dbUrl }));
  await Promise.all(clients.map((c) => c.connect()));
  // Bench database only: a crash loses the bench, not data.
  await Promise.all(clients.map((c) => c.query('set synchronous_commit = off')));
  const [contacts, keys, lookups] = await Promise.all([
    copyInto(clients[0]!, 'contacts', 'workspace_id, id, record_version, record, special, owner_id, company_id, lawful_basis, created_at, updated_at, created_by, terms'),
    copyInto(clients[1]!, 'subject_keys', 'workspace_id, subject_id, ws_version, wrapped'),
    copyInto(clients[2]!, 'contact_lookup', 'workspace_id, kind, value, contact_id'),
  ]);
  let cryptoMs = 0;
  let lookupRows = 0;
  let terms = 0;
  const ids: Array<[number, string]> = [];
  for (let start = job.from; start < job.to; start += CHUNK) {
    const t0 = performance.now();
    let c = '';
    let k = '';
    let l = '';
    // Ids as an import makes them (runs of neighbours at random places), so search sees imported data.
    const newIds = clusteredIds(CHUNK);
    for (let i = start; i < Math.min(job.to, start + CHUNK); i++) {
      const g = generateContact(i, job.companyCount);
      const company = g.company === null ? null : job.companies[g.company]!;
      const errors: Array<{ path: string; message: string }> = [];
      const record = recordOf({ ...g.input, companyId: company?.id ?? null }, null, errors);
      if (errors.length > 0) throw new Error(`generated contact ${i} is invalid: ${errors.map((e) => e.path).join(', ')}`);
      const id = newIds[i - start]!;
      const key = randomBytes(32);
      const sealed = sealContact({ workspaceId: ws, subjectId: id, version: 1, key }, ws, id, 1, record, {});
      const wrapped = gcmSeal(wrapKey, job.wsVersion, encodeAad(['subject-key', ws, id]), key);
      const at = new Date(job.epochMs - i).toISOString();
      const indexes = indexesOf(ix, record, company?.name ?? null);
      c += `${ws}\t${id}\t1\t${hex(sealed.record)}\t\\N\t${job.ownerId}\t${company?.id ?? '\\N'}\tlegitimate_interests\t${at}\t${at}\t${job.ownerId}\t{${indexes.terms.join(',')}}\n`;
      k += `${ws}\t${id}\t${job.wsVersion}\t${hex(wrapped)}\n`;
      for (const row of indexes.lookups) {
        l += `${ws}\t${row.kind}\t${hex(row.value)}\t${id}\n`;
        lookupRows++;
      }
      terms += indexes.terms.length;
      if (i % 997 === 0) ids.push([i, id]);
    }
    cryptoMs += performance.now() - t0;
    await Promise.all([write(contacts, c), write(keys, k), write(lookups, l)]);
  }
  await Promise.all([finish(contacts), finish(keys), finish(lookups)]);
  await Promise.all(clients.map((cl) => cl.end()));
  return { sealed: job.to - job.from, lookupRows, terms, cryptoMs, ids };
}

main(workerData as WorkerJob).then(
  (done) => parentPort?.postMessage({ ok: true, done }),
  (err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
);
