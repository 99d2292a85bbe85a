/**
 * Contact imports over the API: good rows land and each bad one is reported
 * with its physical line, its column and a reason (never the value), BOM and
 * semicolons, the three duplicate policies, sealed storage (no plaintext in the
 * upload or the error file, the upload gone at the end), 403 for support.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { findByEmail } from '../contacts/index.js';
import { workspace, type Ws } from '../contacts/contacts.test-helper.js';
import { runImport } from './service.js';

let h: TestApp;
beforeAll(async () => {
  // A small body limit: the upload streams past it.
  h = await createTestApp({ config: { bodyLimitBytes: 8192 } });
});
afterAll(async () => {
  await h.close();
});

function multipart(fields: Record<string, string>, csv: string | Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----confidant-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="people.csv"\r\ncontent-type: text/csv\r\n\r\n`));
  parts.push(Buffer.isBuffer(csv) ? csv : Buffer.from(csv));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

interface Status { id: string; status: string; processed: number; created: number; updated: number; skipped: number; rejected: number; errorsUrl: string }

async function upload(who: SignedIn, csv: string | Buffer, fields: Record<string, string> = {}): Promise<string> {
  const body = multipart({ lawfulBasis: 'legitimate_interests', source: 'trade fair', ...fields }, csv);
  const r = await h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...who.headers, ...body.headers }, payload: body.payload });
  expect(r.statusCode, r.body).toBe(202);
  return r.json<{ id: string }>().id;
}

async function runJobs(): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const report = await h.ctx.jobs.runOnce(h.ctx.now());
    expect(report.failed).toBe(0);
    if (report.claimed === 0) return;
  }
}

async function status(who: SignedIn, id: string): Promise<Status> {
  const r = await h.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: { cookie: who.cookie } });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<Status>();
}

async function errors(who: SignedIn, s: Status): Promise<string> {
  const r = await h.app.inject({ method: 'GET', url: s.errorsUrl, headers: { cookie: who.cookie } });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/csv/);
  return r.body;
}

async function emails(ws: Ws, address: string): Promise<Array<{ id: string; firstName: string; lastName: string; jobTitle: string | null; lawfulBasis: string; source: string; companyId: string | null }>> {
  return h.ctx.db.withWorkspace(ws.workspaceId, (trx) => findByEmail(h.ctx, trx, ws.workspaceId, address));
}

async function sealedChunks(importId: string): Promise<Array<{ kind: number; data: Buffer }>> {
  return asOwner<{ kind: number; data: Buffer }>(h.t, 'select kind, data from import_chunks where import_id = $1 order by kind, seq', [importId]);
}

const GOOD_AND_BAD = [
  'firstName,lastName,email,phone,jobTitle,company,lawfulBasis', // 1
  'Ada,Lovelace,ada@example.org,+44 20 7946 0958,Analyst,Engines Ltd,', // 2 good
  'Bad,Mail,not-an-email,,,,', // 3 bad email
  '"Multi","Line",multi@example.org,,"Head of', // 4 good, a field over lines 4-6
  'Difference',
  'Engines",,',
  ',,,,,,', // 7 nothing: name or email required
  'Phone,Bad,phone@example.org,12,,,', // 8 bad phone
  'Basis,Bad,basis@example.org,,,,gut_feeling', // 9 unknown lawful basis
  '', // 10 blank: skipped
  'Grace,Hopper,grace@example.org,,,,consent', // 11 good, its own lawful basis
].join('\r\n');

describe('contact imports', () => {
  let ws: Ws;
  beforeAll(async () => {
    ws = await workspace(h);
  });

  it('lands the good rows and reports each bad one at its physical line and column, without its value', async () => {
    const id = await upload(ws.owner, GOOD_AND_BAD);
    // Stored sealed: no value of the file appears in the stored chunks.
    const stored = await sealedChunks(id);
    expect(stored.length).toBeGreaterThan(0);
    for (const c of stored) for (const v of ['Lovelace', 'ada@example.org', 'not-an-email', 'gut_feeling', 'firstName']) expect(c.data.includes(v)).toBe(false);

    await runJobs();
    const s = await status(ws.owner, id);
    expect(s).toMatchObject({ id, status: 'done', processed: 7, created: 3, updated: 0, skipped: 0, rejected: 4 });
    expect(s.errorsUrl).toBe(`/api/v1/imports/${id}/errors`);

    const [ada] = await emails(ws, 'ada@example.org');
    expect(ada).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', jobTitle: 'Analyst', lawfulBasis: 'legitimate_interests', source: 'trade fair' });
    expect(ada!.companyId).toMatch(/^[0-9a-f-]{36}$/);
    const [multi] = await emails(ws, 'multi@example.org');
    expect(multi!.jobTitle).toBe('Head of\nDifference\nEngines');
    const [grace] = await emails(ws, 'grace@example.org');
    expect(grace!.lawfulBasis).toBe('consent');
    for (const bad of ['phone@example.org', 'basis@example.org']) expect(await emails(ws, bad)).toEqual([]);

    const file = await errors(ws.owner, s);
    expect(file).toBe('line,column,reason\r\n3,email,invalid_email\r\n7,lastName,name_or_email_required\r\n8,phone,invalid_phone\r\n9,lawfulBasis,unknown_lawful_basis\r\n');
    // The upload is gone; the error file stays, sealed.
    const after = await sealedChunks(id);
    expect(after.map((c) => c.kind)).toEqual([2]);
    expect(after[0]!.data.includes('invalid_email')).toBe(false);
    // The options are sealed too, and no value reached the logs.
    const [row] = await asOwner<{ options: Buffer }>(h.t, 'select options from imports where id = $1', [id]);
    expect(row!.options.includes('trade fair')).toBe(false);
    for (const v of ['Lovelace', 'ada@example.org', 'not-an-email', 'gut_feeling', 'Engines Ltd']) expect(h.logs.text).not.toContain(v);
  });

  it('reads a BOM and semicolons, with a mapping from other headers', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Vorname;Nachname;E-Mail\nJörg;Müller;joerg@example.de\n"Anna; B.";Schmidt;anna@example.de\n')]);
    const id = await upload(ws.owner, csv, { mapping: JSON.stringify({ Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email' }) });
    await runJobs();
    expect(await status(ws.owner, id)).toMatchObject({ status: 'done', created: 2, rejected: 0 });
    expect((await emails(ws, 'joerg@example.de'))[0]).toMatchObject({ firstName: 'Jörg', lastName: 'Müller' });
    expect((await emails(ws, 'anna@example.de'))[0]).toMatchObject({ firstName: 'Anna; B.' });
  });

  it('duplicates: skip (default), update, create — on the email, then the phone', async () => {
    const first = await upload(ws.owner, 'firstName,lastName,email,phone\nDup,One,dup@example.org,+33 1 42 68 53 00\n');
    await runJobs();
    expect(await status(ws.owner, first)).toMatchObject({ created: 1 });

    // Same email twice in one file, and the phone alone: all duplicates.
    const skip = await upload(ws.owner, 'firstName,lastName,email,phone\nDup,Two,DUP@example.org,\nDup,Three,dup@example.org,\nDup,Four,,+33142685300\n');
    await runJobs();
    expect(await status(ws.owner, skip)).toMatchObject({ status: 'done', processed: 3, created: 0, skipped: 3 });
    expect((await emails(ws, 'dup@example.org')).map((c) => c.lastName)).toEqual(['One']);

    const update = await upload(ws.owner, 'lastName,email,jobTitle\nUpdated,dup@example.org,Chief\n', { duplicates: 'update' });
    await runJobs();
    expect(await status(ws.owner, update)).toMatchObject({ status: 'done', updated: 1, created: 0 });
    const updated = await emails(ws, 'dup@example.org');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ firstName: 'Dup', lastName: 'Updated', jobTitle: 'Chief' });

    const create = await upload(ws.owner, 'firstName,lastName,email\nDup,Again,dup@example.org\n', { duplicates: 'create' });
    await runJobs();
    expect(await status(ws.owner, create)).toMatchObject({ status: 'done', created: 1 });
    expect((await emails(ws, 'dup@example.org')).map((c) => c.lastName).sort()).toEqual(['Again', 'Updated']);
  });

  it('a sales member limited to their own contacts never updates another\'s: the duplicate is skipped', async () => {
    const own = await workspace(h);
    await asOwner(h.t, `update workspaces set settings = settings || '{"recordVisibility":{"sales":"own"}}'::jsonb where id = $1`, [own.workspaceId]);
    await runJobs();
    const seed = await upload(own.owner, 'firstName,lastName,email\nOwned,ByOwner,owned@example.org\n');
    await runJobs();
    expect(await status(own.owner, seed)).toMatchObject({ created: 1 });
    const sales = await signInAs(h, own.workspaceId, 'sales');
    const id = await upload(sales, 'firstName,lastName,email\nOwned,Changed,owned@example.org\nNew,BySales,new@example.org\n', { duplicates: 'update' });
    await runJobs();
    expect(await status(sales, id)).toMatchObject({ status: 'done', created: 1, updated: 0, skipped: 1 });
    expect((await emails(own, 'owned@example.org')).map((c) => c.lastName)).toEqual(['ByOwner']);
  });

  it('streams an upload larger than the JSON body limit', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => `Big,Person${i},big${i}@example.org`);
    const csv = ['firstName,lastName,email', ...rows].join('\n');
    expect(csv.length).toBeGreaterThan(8192);
    const id = await upload(ws.owner, csv);
    await runJobs();
    expect(await status(ws.owner, id)).toMatchObject({ status: 'done', processed: 400, created: 400 });
  });

  it('refuses bad options with problem+json and keeps nothing; support gets 403', async () => {
    const body = multipart({ lawfulBasis: 'because', source: 'x' }, 'email\na@example.org\n');
    const r = await h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...ws.owner.headers, ...body.headers }, payload: body.payload });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body).not.toContain('because');
    expect(await asOwner(h.t, 'select id from imports where workspace_id = $1 and status = $2', [ws.workspaceId, 'uploading'])).toEqual([]);

    const support = await signInAs(h, ws.workspaceId, 'support');
    const denied = multipart({ lawfulBasis: 'consent', source: 'x' }, 'email\na@example.org\n');
    const d = await h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...support.headers, ...denied.headers }, payload: denied.payload });
    expect(d.statusCode).toBe(403);
    expect(d.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('gives way between batches (other requests are served mid-import) and audits the people and the completion', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `Yield,P${i},yield${i}@example.org`);
    const id = await upload(ws.owner, ['firstName,lastName,email', ...rows].join('\n'));
    let ended = false;
    let answered: Promise<{ processed: number; beforeEnd: boolean }> | null = null;
    const running = runImport(h.ctx, ws.workspaceId, id, {
      batchSize: 10,
      // A request issued (not awaited) after the first batch must be answered while the import still runs.
      onBatch: () => {
        answered ??= status(ws.owner, id).then((s) => ({ processed: s.processed, beforeEnd: !ended }));
      },
    });
    expect(await running).toBe('done');
    ended = true;
    const seen = await answered!;
    expect(seen.beforeEnd).toBe(true);
    expect(seen.processed).toBeLessThan(120);
    const events = await asOwner<{ action: string; n: number }>(h.t,
      `select action, coalesce(sum(cardinality(subject_ids)), 0)::int as n from audit_events
       where workspace_id = $1 and details->>'importId' = $2 group by action order by action`, [ws.workspaceId, id]);
    expect(events).toEqual([{ action: 'contact.created', n: 120 }, { action: 'import.completed', n: 0 }]);
    await runJobs(); // the queued job finds the import done and does nothing
    expect(await status(ws.owner, id)).toMatchObject({ status: 'done', created: 120 });
  });

  it('a job that fails on its last attempt fails the import and deletes the upload', async () => {
    const id = await upload(ws.owner, 'firstName,email\nDoomed,doomed@example.org\n');
    // Options that no longer open: every attempt throws.
    await asOwner(h.t, "update imports set options = '\\x00'::bytea where id = $1", [id]);
    let at = h.ctx.now().getTime();
    let failed = 0;
    for (let round = 0; round < 12; round += 1) {
      const report = await h.ctx.jobs.runOnce(new Date(at));
      failed += report.failed;
      at += 2 * 3600_000; // past any backoff
    }
    expect(failed).toBe(1);
    expect(await status(ws.owner, id)).toMatchObject({ status: 'failed', error: 'internal_error', created: 0 });
    expect(await sealedChunks(id)).toEqual([]);
  });

  it('a file whose headers feed neither a name nor an email fails the import, and nobody is made', async () => {
    const id = await upload(ws.owner, 'phone,company,city\n+44 20 7946 0958,Nameless Ltd,Leeds\n');
    await runJobs();
    expect(await status(ws.owner, id)).toMatchObject({ status: 'failed', error: 'no_name_or_email_column', created: 0, processed: 0 });
    expect(await sealedChunks(id)).toEqual([]);
  });

  it('a file of unterminated quotes fails the import and deletes the upload', async () => {
    const id = await upload(ws.owner, 'firstName,email\n"Open,open@example.org\n');
    await runJobs();
    expect(await status(ws.owner, id)).toMatchObject({ status: 'failed', created: 0 });
    expect(await sealedChunks(id)).toEqual([]);
  });
});
