/**
 * Running an import (docs/imports.md "How it runs"): the sealed upload is read
 * back and parsed as a stream on this thread; batches are prepared (checked,
 * sealed, indexed) inline or by worker threads, several ahead; and landed in
 * order, each in its own transaction (land.ts). A crash loses at most the
 * batch in flight; a new run starts again at the first record not committed.
 */
import os from 'node:os';
import type { AppContext } from '../../kernel/context.js';
import { auditCode, auditId, recordAuditMany } from '../../platform/audit/index.js';
import { defaultCountry, exactLookupValues, INDEX_NAMES, KIND, startContactMakers, type MakeContext } from '../contacts/index.js';
import { BlindSet } from './blind-set.js';
import { CsvFormatError, CsvReader, type CsvRecord } from './csv-reader.js';
import { actorOf, type ImportActor, type RunState, type StoredOptions } from './land.js';
import { LandingPipeline, type ReadyBatch } from './pipeline.js';
import { importPreparer, type PreparedBatch, type Preparer } from './prepare.js';
import { deleteChunks, importRow, landedByOthers, setStatus, uploadBytes, UPLOAD } from './queries.js';
import { columnFields } from './rows.js';
import { IDENTIFYING_FIELDS, type ImportStatusView } from './schemas.js';
import { importStatus } from './status.js';
import { OPTIONS_TARGET, readChunks } from './store.js';

type Ctx = Pick<AppContext, 'db' | 'vault' | 'now'>;

/** Records per batch (one transaction each). PGlite has one connection: smaller batches let requests through. */
export const IMPORT_BATCH = { postgres: 1_000, pglite: 200 } as const;
/** Uploads above this are prepared by worker threads (below, starting them costs more than they save). */
export const THREADED_BYTES = 1 << 20;

export interface RunOptions {
  batchSize?: number;
  /** Worker threads preparing batches; 0 prepares inline. Default: inline up to THREADED_BYTES, else one per core (at most 2). */
  threads?: number;
  /** Called after each committed batch with the import's counters. */
  onBatch?: (status: ImportStatusView, firstLine: number) => void | Promise<void>;
}

/** Why a run ended: the import finished (done or failed), or another run holds it. */
export type RunOutcome = 'done' | 'failed' | 'superseded';

class ImportFailed extends Error {
  constructor(readonly code: string) {
    super(`import failed: ${code}`);
  }
}

export async function finish(ctx: Ctx, ws: string, importId: string, status: 'done' | 'failed', code: string | null): Promise<void> {
  await ctx.db.withWorkspace(ws, async (trx) => {
    const imp = await importRow(trx, ws, importId, true);
    if (!imp || imp.status === 'done' || imp.status === 'failed') return;
    await setStatus(trx, ws, importId, status, ctx.now(), code);
    // The upload is personal data: it goes as soon as the import ends.
    await deleteChunks(trx, ws, importId, UPLOAD);
    await recordAuditMany(trx, [{
      action: status === 'done' ? 'import.completed' : 'import.failed',
      actor: { type: imp.actor_type as ImportActor['type'], id: imp.actor_id },
      details: { importId: auditId(importId), ...(code ? { reason: auditCode(code) } : {}) },
    }]);
  });
}

/**
 * Runs (or resumes) an import to its end. Repeating a run is harmless: each
 * batch checks, under the import row's lock, that it starts where the last
 * committed one ended. A key rotation during the run makes it start again
 * from there under the new keys; another import landing rows in the
 * workspace meanwhile makes it start again matching duplicates against the
 * database (land.ts).
 */
export async function runImport(ctx: Ctx, ws: string, importId: string, opts: RunOptions = {}): Promise<RunOutcome> {
  // Once another import landed beside this one, matching in memory no longer holds: the database it is.
  let inDatabase = false;
  for (;;) {
    const outcome = await runOnce(ctx, ws, importId, opts, inDatabase);
    if (outcome === 'stale') inDatabase = true;
    else if (outcome !== 'rekey') return outcome;
  }
}

interface Start {
  resumeLine: number;
  actor: ImportActor;
  options: StoredOptions;
  country: string | null;
  keys: MakeContext['keys'];
  /** More than one key version: a rotation is running. */
  rotating: boolean;
  bytes: number;
  othersLanded: number;
}

async function start(ctx: Ctx, ws: string, importId: string): Promise<Start | null> {
  return ctx.db.withWorkspace(ws, async (trx) => {
    const imp = await importRow(trx, ws, importId, true);
    if (!imp || imp.status === 'done' || imp.status === 'failed' || imp.status === 'uploading' || !imp.options) return null;
    if (imp.status === 'queued') await setStatus(trx, ws, importId, 'running', null);
    const options = await ctx.vault.openJson<StoredOptions>(trx, OPTIONS_TARGET(ws, importId), imp.options);
    const keys = await ctx.vault.bulkKeys(trx, ws, INDEX_NAMES);
    return {
      resumeLine: Number(imp.resume_line), actor: actorOf(imp), options, country: await defaultCountry(trx, ws), keys,
      rotating: (await ctx.vault.liveVersions(trx, ws)).length > 1, bytes: await uploadBytes(trx, ws, importId),
      // Read before the duplicate set is loaded: whatever lands after it changes the figure (land.ts).
      othersLanded: await landedByOthers(trx, ws, importId),
    };
  });
}

/** The workspace's email and phone index values, for matching duplicates in memory. */
async function loadKnown(ctx: Ctx, ws: string): Promise<{ email: BlindSet; phone: BlindSet }> {
  const known = { email: new BlindSet(), phone: new BlindSet() };
  for await (const page of exactLookupValues(ctx.db, ws)) {
    for (const v of page) (v.kind === KIND.email ? known.email : known.phone).add(v.value);
  }
  return known;
}

interface Preparing {
  records: CsvRecord[];
  nextLine: number;
  prepared: Promise<PreparedBatch>;
}

/** Transactions landing at once: two on PostgreSQL (pipeline.ts), one on PGlite's single connection. */
const LANDING = { postgres: 2, pglite: 1 } as const;

async function runOnce(ctx: Ctx, ws: string, importId: string, opts: RunOptions, inDatabase: boolean): Promise<RunOutcome | 'rekey' | 'stale'> {
  const s = await start(ctx, ws, importId);
  if (!s) {
    const row = await ctx.db.withWorkspace(ws, (trx) => importRow(trx, ws, importId));
    return row?.status === 'failed' ? 'failed' : row?.status === 'done' ? 'done' : 'superseded';
  }
  const batchSize = opts.batchSize ?? IMPORT_BATCH[ctx.db.kind];
  const threads = opts.threads ?? (s.bytes > THREADED_BYTES ? Math.min(2, os.availableParallelism()) : 0);
  // Matched by a query per batch while a rotation runs (stored values then span two key versions), or
  // once another import landed beside this run (its contacts are not in the set).
  const known = s.options.duplicates === 'create' || s.rotating || inDatabase ? null : await loadKnown(ctx, ws);
  let preparer: Preparer | null = null;
  let pipeline: LandingPipeline | null = null;
  let batch: CsvRecord[] = [];
  const preparing: Preparing[] = [];
  const ahead = Math.max(2, threads * 2);

  const onCommitted = async (b: ReadyBatch): Promise<void> => {
    if (opts.onBatch) {
      const status = await importStatus(ctx, ws, importId);
      if (status) await opts.onBatch(status, b.records[0]!.line);
    }
    // On PGlite the single connection is serialized: let waiting requests through between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  /** Hands the oldest prepared batch to the landing pipeline; false when the run must stop. */
  const landOldest = async (): Promise<boolean> => {
    const b = preparing.shift()!;
    return pipeline!.add({ records: b.records, nextLine: b.nextLine, prepared: await b.prepared });
  };

  const submit = async (nextLine: number): Promise<boolean> => {
    if (batch.length === 0) return true;
    const records = batch;
    batch = [];
    const prepared = preparer!.prepare(records);
    prepared.catch(() => {}); // awaited in landOldest; never an unhandled rejection meanwhile
    preparing.push({ records, nextLine, prepared });
    while (preparing.length > ahead) if (!(await landOldest())) return false;
    return true;
  };

  const take = async (records: CsvRecord[]): Promise<boolean> => {
    for (const rec of records) {
      if (pipeline === null) {
        const header = rec.fields;
        const fields = columnFields(header, s.options.mapping);
        if (!fields.some((f) => f !== null)) throw new ImportFailed('no_known_columns');
        // The mapping's own rule (schemas.ts) for files sent without one: nameless people nobody can find.
        if (!fields.some((f) => f !== null && IDENTIFYING_FIELDS.includes(f))) throw new ImportFailed('no_name_or_email_column');
        const st: RunState = {
          ws, importId, actor: s.actor, options: s.options, header, fields, country: s.country, keysVersion: s.keys.version, known, companies: new Map(), othersLanded: s.othersLanded,
        };
        const makers = await startContactMakers({
          keys: s.keys, country: s.country, columns: fields, defaults: { lawfulBasis: s.options.lawfulBasis, source: s.options.source },
          // An update writes the row's fields: its parsed input comes back with it, parsed once.
          keepChecked: s.options.duplicates === 'update',
        }, threads);
        preparer = importPreparer(makers, header, fields);
        pipeline = new LandingPipeline(ctx, st, s.resumeLine, LANDING[ctx.db.kind], onCommitted);
        continue;
      }
      if (rec.line < pipeline.expected) continue; // committed by an earlier run
      if (batch.length >= batchSize && !(await submit(rec.line))) return false;
      batch.push(rec);
    }
    return true;
  };

  /** The run stopped early (another run holds the import, or the keys changed): wait for what is in flight. */
  const stopped = async (): Promise<RunOutcome | 'rekey' | 'stale'> => {
    await pipeline?.drain();
    return pipeline?.stopped ?? 'superseded';
  };

  try {
    const reader = new CsvReader();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of readChunks(ctx.db, ctx.vault, ws, importId, UPLOAD)) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new ImportFailed('invalid_encoding');
      }
      if (!(await take(reader.push(text)))) return await stopped();
    }
    let tail: CsvRecord[];
    try {
      tail = [...reader.push(decoder.decode()), ...reader.end()];
    } catch (err) {
      if (err instanceof CsvFormatError) throw new ImportFailed(err.reason);
      throw new ImportFailed('invalid_encoding');
    }
    if (!(await take(tail))) return await stopped();
    if (pipeline === null) throw new ImportFailed('empty_file');
    const last = batch[batch.length - 1];
    if (!(await submit(last ? last.line + 1 : (pipeline as LandingPipeline).expected))) return await stopped();
    while (preparing.length > 0) if (!(await landOldest())) return await stopped();
    if (!(await (pipeline as LandingPipeline).drain())) return await stopped();
  } catch (err) {
    // Nothing may still be landing when the import is marked failed (or the error goes up).
    await (pipeline as LandingPipeline | null)?.drain().catch(() => {});
    const code = err instanceof ImportFailed ? err.code : err instanceof CsvFormatError ? err.reason : null;
    if (code === null) throw err;
    // Batches already prepared are dropped: nothing of them was written.
    await finish(ctx, ws, importId, 'failed', code);
    return 'failed';
  } finally {
    // Ends the worker threads, and with them their copies of the run's keys.
    await (preparer as Preparer | null)?.close();
  }
  await finish(ctx, ws, importId, 'done', null);
  return 'done';
}
