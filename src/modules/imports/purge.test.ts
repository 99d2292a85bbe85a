/**
 * Imports housekeeping (docs/imports.md "Housekeeping"): an upload that
 * stopped moving for ten minutes is marked failed, its sealed chunks gone;
 * uploads abandoned mid-transfer go with their sealed chunks after a day, error files go some
 * days after their import ended (the route then answers 410, the counters
 * stay), both audited with ids only, both run by the hourly imports.purge
 * job. The clock moves by passing "now", never by sleeping.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { insertImport, queueImport } from './queries.js';
import { ABANDONED_UPLOAD_MS, ERROR_FILE_RETENTION_DAYS, expireErrorFiles, IMPORTS_PURGE_JOB, INTERRUPTED_UPLOAD_MS, failInterruptedUploads, purgeAbandonedUploads, purgeImports } from './purge.js';
import { createImport } from './service.js';
import { CHUNK_BYTES, storeUpload } from './store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

let h: TestApp;
let offset = 0;
interface Ws { workspaceId: string; ownerId: string; ownerEmail: string; owner: SignedIn }
let a: Ws;
let b: Ws;

async function workspace(): Promise<Ws> {
  const w = await makeWorkspace(h);
  return { ...w, owner: await signInAs(h, w.workspaceId, 'owner', { userId: w.ownerId, email: w.ownerEmail }) };
}

beforeAll(async () => {
  h = await createTestApp({ now: () => new Date(Date.now() + offset) });
  a = await workspace();
  b = await workspace();
});
afterAll(async () => {
  await h?.close();
});

/** An upload cut off by a crash: the row still 'uploading', some sealed chunks stored (two, here). */
async function crashedUpload(ws: Ws, began: Date): Promise<string> {
  const id = randomUUID();
  await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => insertImport(trx, { workspaceId: ws.workspaceId, id, actorType: 'user', actorId: ws.ownerId, now: began }));
  const piece = Buffer.from('Ada,Lovelace,ada@example.org\n'.repeat(2048));
  const pieces = Array.from({ length: Math.ceil((CHUNK_BYTES * 1.5) / piece.length) }, () => piece);
  await storeUpload(h.ctx.db, h.ctx.vault, ws.workspaceId, id, Readable.from(pieces), () => began);
  return id;
}

async function importRows(ids: string[]): Promise<Array<{ id: string; status: string; rejected: number; errors_expired_at: Date | null }>> {
  return asOwner(h.t, 'select id, status, rejected, errors_expired_at from imports where id = any($1::uuid[]) order by created_at', [ids]);
}

async function chunkKinds(id: string): Promise<number[]> {
  return (await asOwner<{ kind: number }>(h.t, 'select kind from import_chunks where import_id = $1 order by kind, seq', [id])).map((r) => r.kind);
}

async function auditOf(ws: Ws, action: string): Promise<Array<{ actor_type: string; actor_id: string | null; subject_ids: string[]; details: Record<string, unknown> }>> {
  return asOwner(h.t, 'select actor_type, actor_id, subject_ids, details from audit_events where workspace_id = $1 and action = $2 order by id', [ws.workspaceId, action]);
}

function multipart(fields: Record<string, string>, csv: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----confidant-purge-boundary';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="people.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
  return { payload: Buffer.from(parts.join('')), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(who: SignedIn, csv: string): Promise<string> {
  const body = multipart({ lawfulBasis: 'legitimate_interests', source: 'trade fair' }, csv);
  const r = await h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...who.headers, ...body.headers }, payload: body.payload });
  expect(r.statusCode, r.body).toBe(202);
  return r.json<{ id: string }>().id;
}

async function runJobs(now: Date): Promise<void> {
  for (let round = 0; round < 30; round += 1) {
    const report = await h.ctx.jobs.runOnce(now);
    expect(report.failed).toBe(0);
    if (report.claimed === 0) return;
  }
}

const errorsOf = (who: SignedIn, id: string) => h.app.inject({ method: 'GET', url: `/api/v1/imports/${id}/errors`, headers: { cookie: who.cookie } });

describe('imports housekeeping', () => {
  it('the recurring imports.purge job deletes an upload abandoned a day ago, with its chunks', async () => {
    const stale = await crashedUpload(a, new Date(Date.now() - ABANDONED_UPLOAD_MS - HOUR));
    expect(await chunkKinds(stale)).toEqual([1, 1]);
    await runJobs(h.ctx.now());
    expect(await asOwner(h.t, `select 1 from jobs where kind = $1 and state = 'done'`, [IMPORTS_PURGE_JOB])).not.toEqual([]);
    expect(await importRows([stale])).toEqual([]);
    expect(await chunkKinds(stale)).toEqual([]);
  });

  it('an upload that stored nothing for ten minutes is marked failed (upload_interrupted) and its chunks go; a moving one stays; it cannot be queued after', async () => {
    const t0 = new Date(Date.now() + 10 * DAY); // past every row the other tests leave uploading
    const stale = await crashedUpload(b, t0);
    const moving = await crashedUpload(b, new Date(t0.getTime() + INTERRUPTED_UPLOAD_MS - MINUTE));
    const shown = async (id: string) => (await h.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: { cookie: b.owner.cookie } })).json<{ status: string; error: string | null }>();
    // Before: an interrupted upload showed as queued until the day-long purge deleted it.
    expect(await shown(stale)).toMatchObject({ status: 'queued', error: null });

    const now = new Date(t0.getTime() + INTERRUPTED_UPLOAD_MS + 1_000);
    expect(await purgeImports(h.ctx, now)).toMatchObject({ interruptedUploads: 1, abandonedUploads: 0 });
    expect(await shown(stale)).toMatchObject({ status: 'failed', error: 'upload_interrupted' });
    expect(await chunkKinds(stale)).toEqual([]);
    expect(await shown(moving)).toMatchObject({ status: 'queued' });
    expect(await chunkKinds(moving)).toEqual([1, 1]);
    expect((await auditOf(b, 'import.failed')).map((e) => [e.actor_type, e.details])).toContainEqual(['system', { importId: stale, reason: 'upload_interrupted' }]);
    // Its process, were it alive after all, could not queue what was given up.
    expect(await h.ctx.db.withWorkspace(b.workspaceId, (trx) => queueImport(trx, b.workspaceId, stale, Buffer.from('sealed options'), 'skip', Buffer.alloc(32)))).toBe(false);
    expect(await purgeImports(h.ctx, now)).toMatchObject({ interruptedUploads: 0 });
  });

  it('an upload marked interrupted that then finishes after all is refused (409): the import stays failed, without chunks', async () => {
    let stored!: () => void;
    const firstStored = new Promise<void>((resolve) => (stored = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slowFile(): AsyncGenerator<Buffer> {
      yield Buffer.from(`firstName,email\n${'Ada,ada@example.org\n'.repeat(Math.ceil(CHUNK_BYTES / 20))}`);
      stored(); // asked for more: the first chunk is sealed and stored
      await gate;
      yield Buffer.from('Bob,bob@example.org\n');
    }
    let id = '';
    const upload = createImport(h.ctx, b.workspaceId, { type: 'operator', id: null }, slowFile(), () => ({ lawfulBasis: 'consent', source: 'slow' }), undefined,
      { onCreated: (created) => (id = created) });
    upload.catch(() => {});
    await firstStored;
    expect(await chunkKinds(id)).toEqual([1]);
    expect(await failInterruptedUploads(h.ctx, new Date(h.ctx.now().getTime() + INTERRUPTED_UPLOAD_MS + MINUTE), INTERRUPTED_UPLOAD_MS, b.workspaceId)).toBe(1);
    release();
    await expect(upload).rejects.toMatchObject({ status: 409, problem: 'import-upload-interrupted' });
    expect(await importRows([id])).toMatchObject([{ id, status: 'failed' }]);
    expect(await chunkKinds(id)).toEqual([]);
  });

  it('deletes uploads still uploading after a day, in every workspace, and keeps fresh and queued ones', async () => {
    const t0 = new Date();
    const staleA = await crashedUpload(a, t0);
    const staleB = await crashedUpload(b, t0);
    const fresh = await crashedUpload(a, new Date(t0.getTime() + 2 * HOUR));
    // Uploaded completely (queued, its job not run yet): not abandoned, however old.
    const queued = await crashedUpload(a, t0);
    await h.ctx.db.withWorkspace(a.workspaceId, (trx) => queueImport(trx, a.workspaceId, queued, Buffer.from('sealed options'), 'skip', Buffer.alloc(32)));

    // A minute short of the bound: nothing goes.
    expect(await purgeAbandonedUploads(h.ctx, new Date(t0.getTime() + ABANDONED_UPLOAD_MS - MINUTE))).toBe(0);
    expect(await chunkKinds(staleA)).toEqual([1, 1]);

    const now = new Date(t0.getTime() + ABANDONED_UPLOAD_MS + MINUTE);
    expect(await purgeAbandonedUploads(h.ctx, now)).toBe(2);
    expect((await importRows([staleA, staleB, fresh, queued])).map((r) => [r.id, r.status]).sort())
      .toEqual([[fresh, 'uploading'], [queued, 'queued']].sort());
    for (const gone of [staleA, staleB]) expect(await chunkKinds(gone)).toEqual([]);
    expect(await chunkKinds(fresh)).toEqual([1, 1]);
    expect(await chunkKinds(queued)).toEqual([1, 1]);
    // Again: nothing left to do.
    expect(await purgeAbandonedUploads(h.ctx, now)).toBe(0);

    // One event per import, in its own workspace, by the system, with ids and a code only.
    const eventsA = await auditOf(a, 'import.purged');
    expect(eventsA.at(-1)).toEqual({ actor_type: 'system', actor_id: null, subject_ids: [], details: { importId: staleA, reason: 'upload_abandoned' } });
    expect(eventsA.map((e) => e.details.importId)).not.toContain(fresh);
    expect((await auditOf(b, 'import.purged')).map((e) => e.details.importId)).toEqual([staleB]);
  });

  it(`deletes an error file ${ERROR_FILE_RETENTION_DAYS} days after its import ended: the route answers 410, the counters stay; a recent one downloads`, async () => {
    offset = 0;
    const owner = a.owner;
    const old = await upload(owner, 'firstName,lastName,email\nAda,Lovelace,ada@example.org\nBad,Mail,not-an-email\n');
    const oldFailed = await upload(owner, 'nothing,known\n1,2\n');
    await runJobs(h.ctx.now());
    offset = 20 * DAY;
    const later = await signInAs(h, a.workspaceId, 'owner', { userId: a.ownerId, email: a.ownerEmail });
    const recent = await upload(later, 'firstName,lastName,email\nBad,Again,still-not-an-email\n');
    await runJobs(h.ctx.now());

    const rows = await importRows([old, oldFailed, recent]);
    expect(rows.map((r) => [r.status, r.rejected, r.errors_expired_at])).toEqual([['done', 1, null], ['failed', 0, null], ['done', 1, null]]);
    expect(await chunkKinds(old)).toEqual([2]);
    expect((await errorsOf(later, old)).body).toBe('line,column,reason\r\n3,email,invalid_email\r\n');

    const [ended] = await asOwner<{ at: Date }>(h.t, 'select max(finished_at) as at from imports where id = any($1::uuid[])', [[old, oldFailed]]);
    const bound = ended!.at.getTime() + ERROR_FILE_RETENTION_DAYS * DAY;
    // A minute short of the bound: every file stays.
    expect(await expireErrorFiles(h.ctx, new Date(bound - MINUTE))).toBe(0);
    expect(await chunkKinds(old)).toEqual([2]);

    const now = new Date(bound + MINUTE);
    expect(await expireErrorFiles(h.ctx, now)).toBe(2);
    expect(await chunkKinds(old)).toEqual([]);
    expect(await chunkKinds(recent)).toEqual([2]);
    const after = await importRows([old, oldFailed, recent]);
    expect(after.map((r) => [r.status, r.rejected, r.errors_expired_at?.getTime() ?? null])).toEqual([
      ['done', 1, now.getTime()], ['failed', 0, now.getTime()], ['done', 1, null],
    ]);

    for (const id of [old, oldFailed]) {
      const gone = await errorsOf(later, id);
      expect(gone.statusCode).toBe(410);
      expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(gone.json()).toMatchObject({ type: expect.stringMatching(/\/import-errors-expired$/) as unknown, title: 'Error file expired', status: 410 });
    }
    // The import itself still answers, with its counters.
    const status = await h.app.inject({ method: 'GET', url: `/api/v1/imports/${old}`, headers: { cookie: later.cookie } });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ status: 'done', processed: 2, created: 1, rejected: 1 });
    // The recent one still downloads.
    const kept = await errorsOf(later, recent);
    expect(kept.statusCode).toBe(200);
    expect(kept.body).toBe('line,column,reason\r\n2,email,invalid_email\r\n');

    // Again: nothing to do, nothing audited twice. One event per import, ids only.
    expect(await expireErrorFiles(h.ctx, now)).toBe(0);
    const events = await auditOf(a, 'import_errors.expired');
    expect(events.map((e) => e.details).sort((x, y) => String(x.importId).localeCompare(String(y.importId))))
      .toEqual([{ importId: old }, { importId: oldFailed }].sort((x, y) => x.importId.localeCompare(y.importId)));
    expect(events.every((e) => e.actor_type === 'system' && e.actor_id === null && e.subject_ids.length === 0)).toBe(true);
    offset = 0;
  });
});
