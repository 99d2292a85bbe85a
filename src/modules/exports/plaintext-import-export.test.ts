/**
 * THE PLAINTEXT SCAN over an import and an export (THREATS.md "Personal data
 * outside the tables"; issue #11): over the HTTP API, an owner imports a CSV
 * whose good rows and bad rows carry distinctive values, downloads the error
 * file (lines, columns, reason codes, never a value), exports the contacts as
 * CSV and JSON and downloads both. Then every text, bytea, jsonb and array
 * column of every table, every file under the data directory and the app log
 * are searched for every value of the file, good rows and bad: nothing may be
 * found. Positive controls at the end show the scan finds a planted value in
 * each kind of place it searches, so it cannot pass vacuously.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import type { SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { workspace, type Ws } from '../contacts/contacts.test-helper.js';

let h: TestApp;
let ws: Ws;
beforeAll(async () => {
  h = await createTestApp();
  // A default country, so that a national number is read (and a bad one refused) as on POST /contacts.
  ws = await workspace(h, 'DE');
});
afterAll(async () => {
  await h?.close();
});

const FORMULA = '=HYPERLINK("http://formula-probe.example","x")';
/** The form's source: sealed with each contact and in the import's options. */
const SOURCE = 'Quibbleton trade fair probe';
const OVERLONG_TITLE = `Overlongjobtitleprobe ${'q'.repeat(200)}`;
const OVERLONG_COMPANY = `Overlongcompanyprobe ${'z'.repeat(200)}`;

/** Values of the good rows: they land, and the export must carry them (phones in their E.164 form). */
const GOOD = {
  names: ['Ysoldewyn', 'Thrommelbeck', 'Öxana', 'Pfefferlümmel', 'Grimwaldine', 'Sprocketeer'],
  emails: ['ysolde.thrommel@import-probe.example', 'oxana.pfeffer@import-probe.example', 'grimwaldine.s@import-probe.example'],
  phones: [{ input: '+49 30 6158 2947', e164: '+493061582947' }, { input: '030 7482 9163', e164: '+493074829163' }],
  jobTitles: ['Chief Quokka Wrangler', FORMULA],
  companies: ['Brimblecombe Widgets', 'Zinnoberwerk GmbH'],
  cities: ['Quarzenfeld', 'Knödelbrück'],
};

/** Values of the bad rows: rejected, named by line, column and reason only, kept nowhere. */
const BAD = [
  'Rejectamund', 'Falschmailer', 'not-an-email-probe-xyz',
  'Phonobadwin', 'Wrongnumberton', 'phono.bad@rejected-probe.example', '+99 7319 4682 05',
  'Longtitlebert', 'Overflowsky', 'long.title@rejected-probe.example', OVERLONG_TITLE,
  'Megacorpina', 'Bigbusinessova', 'mega.corp@rejected-probe.example', OVERLONG_COMPANY,
  'Nowherevilleprobe',
  'Basilisandra', 'Unlawfulton', 'basil.unlawful@rejected-probe.example', 'gut_feeling_probe',
];

const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const CSV = [
  'firstName,lastName,email,phone,jobTitle,company,city,lawfulBasis', // 1
  ['Ysoldewyn', 'Thrommelbeck', GOOD.emails[0], GOOD.phones[0]!.input, GOOD.jobTitles[0], GOOD.companies[0], GOOD.cities[0], ''], // 2 good
  ['Öxana', 'Pfefferlümmel', GOOD.emails[1], GOOD.phones[1]!.input, FORMULA, GOOD.companies[1], GOOD.cities[1], 'consent'], // 3 good
  ['Rejectamund', 'Falschmailer', 'not-an-email-probe-xyz', '', '', '', '', ''], // 4 invalid email
  ['Phonobadwin', 'Wrongnumberton', 'phono.bad@rejected-probe.example', '+99 7319 4682 05', '', '', '', ''], // 5 invalid phone
  ['Longtitlebert', 'Overflowsky', 'long.title@rejected-probe.example', '', OVERLONG_TITLE, '', '', ''], // 6 job title too long
  ['Megacorpina', 'Bigbusinessova', 'mega.corp@rejected-probe.example', '', '', OVERLONG_COMPANY, '', ''], // 7 company too long
  ['', '', '', '', '', '', 'Nowherevilleprobe', ''], // 8 no name nor email
  ['Basilisandra', 'Unlawfulton', 'basil.unlawful@rejected-probe.example', '', '', '', '', 'gut_feeling_probe'], // 9 unknown lawful basis
  ['Grimwaldine', 'Sprocketeer', GOOD.emails[2], '', '', GOOD.companies[0], '', ''], // 10 good, an existing company
].map((row) => (Array.isArray(row) ? row.map((v) => q(v!)).join(',') : row)).join('\r\n') + '\r\n';

const EXPECTED_ERRORS = [
  'line,column,reason',
  '4,email,invalid_email',
  '5,phone,invalid_phone',
  '6,jobTitle,too_long',
  '7,company,too_long',
  '8,lastName,name_or_email_required',
  '9,lawfulBasis,unknown_lawful_basis',
].join('\r\n') + '\r\n';

/** Every value of the file in the forms it could be kept in: as written, lower and upper case, NFD, and phone digits. */
function needles(): Buffer[] {
  const values = [
    ...GOOD.names, ...GOOD.emails, ...GOOD.phones.flatMap((p) => [p.input, p.e164, p.e164.slice(1)]), ...GOOD.jobTitles, ...GOOD.companies, ...GOOD.cities,
    'formula-probe.example', 'import-probe.example', SOURCE,
    ...BAD, '9973194682', '997319468205', 'rejected-probe.example', 'Overlongjobtitleprobe', 'Overlongcompanyprobe',
  ];
  const forms = new Set(values.flatMap((v) => [v, v.toLowerCase(), v.toUpperCase(), v.normalize('NFD'), v.normalize('NFC')]));
  return [...forms].map((v) => Buffer.from(v, 'utf8'));
}

async function textColumns(): Promise<Array<{ table_name: string; column_name: string }>> {
  return asOwner(h.t, `select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'bytea', 'jsonb', 'character varying', 'json', 'ARRAY')
    order by table_name, column_name`);
}

/** Every text, bytea, jsonb and array column of every table, read as the owner (an insider's copy of the database). */
async function scanDatabase(ns: readonly Buffer[]): Promise<string[]> {
  const hits = new Set<string>();
  const cols = await textColumns();
  expect(cols.length).toBeGreaterThan(20);
  for (const col of cols) {
    const rows = await asOwner<{ v: unknown }>(h.t, `select "${col.column_name}" as v from "${col.table_name}" where "${col.column_name}" is not null`);
    for (const { v } of rows) {
      const bytes = Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
      for (const n of ns) if (bytes.includes(n)) hits.add(`${col.table_name}.${col.column_name}: ${n.toString('utf8')}`);
    }
  }
  return [...hits];
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** Every file under the data directory (the outbox's .eml fallback lives there). */
function scanDataDir(ns: readonly Buffer[]): string[] {
  const hits: string[] = [];
  for (const file of filesUnder(h.ctx.config.dataDir)) {
    const bytes = fs.readFileSync(file);
    for (const n of ns) if (bytes.includes(n)) hits.push(`${path.relative(h.ctx.config.dataDir, file)}: ${n.toString('utf8')}`);
  }
  return hits;
}

function scanLog(ns: readonly Buffer[]): string[] {
  const log = Buffer.from(h.logs.text, 'utf8');
  return ns.filter((n) => log.includes(n)).map((n) => n.toString('utf8'));
}

function multipart(fields: Record<string, string>, csv: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----confidant-plaintext-scan-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="people.csv"\r\ncontent-type: text/csv\r\n\r\n`));
  parts.push(Buffer.from(csv, 'utf8'));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

interface ImportStatus { id: string; status: string; processed: number; created: number; updated: number; skipped: number; rejected: number; errorsUrl: string; error: string | null }
interface ExportCreated { id: string; url: string; records: number; format: string }
interface Contact { id: string; firstName: string; lastName: string; emails: Array<{ address: string }>; phones: Array<{ number: string }>; jobTitle: string | null; companyId: string | null; city: string | null; lawfulBasis: string }

async function importStatus(who: SignedIn, id: string): Promise<ImportStatus> {
  const r = await h.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: { cookie: who.cookie } });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<ImportStatus>();
}

/** Polls the import's status as a client would, running the job queue between polls as a worker would. */
async function untilEnded(who: SignedIn, id: string): Promise<ImportStatus> {
  for (let round = 0; round < 30; round += 1) {
    const s = await importStatus(who, id);
    if (s.status === 'done' || s.status === 'failed') return s;
    await h.ctx.jobs.runOnce(h.ctx.now());
    // A failed attempt would only be retried after a backoff: say why now rather than poll in vain.
    const failed = await asOwner<{ last_error: string }>(h.t, `select last_error from jobs where kind = 'contacts.import' and last_error is not null`);
    if (failed.length > 0) throw new Error(`the import job failed: ${failed.map((j) => j.last_error).join('; ')}`);
  }
  throw new Error('the import did not end');
}

async function runJobs(): Promise<void> {
  for (let round = 0; round < 20 && (await h.ctx.jobs.runOnce(h.ctx.now())).claimed > 0; round += 1);
}

async function exportAndDownload(who: SignedIn, format: 'csv' | 'json'): Promise<{ made: ExportCreated; body: string }> {
  const r = await h.app.inject({ method: 'POST', url: '/api/v1/exports', headers: who.headers, payload: { format } });
  expect(r.statusCode, r.body).toBe(201);
  const made = r.json<ExportCreated>();
  expect(made).toMatchObject({ records: 3, format });
  const file = await h.app.inject({ method: 'GET', url: made.url, headers: { cookie: who.cookie } });
  expect(file.statusCode, file.body).toBe(200);
  return { made, body: file.body };
}

describe('the plaintext scan over an import (bad rows included) and an export', () => {
  it('finds no value of the file in any column of any table, any file under data/, nor the log', async () => {
    const owner = ws.owner;
    const all = needles();

    // 1. The import, over the API.
    const body = multipart({ lawfulBasis: 'legitimate_interests', source: SOURCE }, CSV);
    const posted = await h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(posted.statusCode, posted.body).toBe(202);
    const importId = posted.json<{ id: string }>().id;
    // The upload is stored, sealed: no value of the file (nor its header) in its chunks.
    const uploaded = await asOwner<{ kind: number; data: Buffer }>(h.t, 'select kind, data from import_chunks where import_id = $1', [importId]);
    expect(uploaded.map((c) => c.kind)).toContain(1);
    for (const c of uploaded) for (const n of [...all, Buffer.from('firstName,lastName')]) expect(c.data.includes(n), n.toString('utf8')).toBe(false);

    const s = await untilEnded(owner, importId);
    expect(s).toMatchObject({ id: importId, status: 'done', processed: 9, created: 3, updated: 0, skipped: 0, rejected: 6, error: null });
    expect(s.errorsUrl).toBe(`/api/v1/imports/${importId}/errors`);

    // 2. The error file: line, column and reason code of each bad row, none of its values.
    const errors = await h.app.inject({ method: 'GET', url: s.errorsUrl, headers: { cookie: owner.cookie } });
    expect(errors.statusCode, errors.body).toBe(200);
    expect(errors.headers['content-type']).toMatch(/^text\/csv/);
    expect(errors.body).toBe(EXPECTED_ERRORS);
    const errorBytes = Buffer.from(errors.body, 'utf8');
    expect(all.filter((n) => errorBytes.includes(n)).map((n) => n.toString('utf8'))).toEqual([]);

    // The upload is gone once the import ended; only the sealed error file stays.
    expect(await asOwner(h.t, 'select seq from import_chunks where import_id = $1 and kind = 1', [importId])).toEqual([]);
    expect(await asOwner(h.t, 'select seq from import_chunks where kind = 1')).toEqual([]);
    const kept = await asOwner<{ kind: number }>(h.t, 'select kind from import_chunks where import_id = $1', [importId]);
    expect(kept.length).toBeGreaterThan(0);
    expect(new Set(kept.map((c) => c.kind))).toEqual(new Set([2]));

    // 3. The exports, CSV then JSON: they carry the good rows (so the export worked), formulas escaped in the CSV.
    const csv = await exportAndDownload(owner, 'csv');
    const lines = csv.body.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^id,firstName,lastName,emails,phones,jobTitle,/);
    expect(lines).toHaveLength(4);
    for (const v of [...GOOD.names, ...GOOD.emails, ...GOOD.phones.map((p) => p.e164), GOOD.jobTitles[0]!, ...GOOD.cities]) expect(csv.body).toContain(v);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://formula-probe.example"",""x"")"`);
    for (const line of lines) expect(line.split(',').some((cell) => /^"?[=+\-@]/.test(cell))).toBe(false);

    const json = await exportAndDownload(owner, 'json');
    const people = JSON.parse(json.body) as Contact[];
    const byEmail = new Map(people.map((p) => [p.emails[0]?.address, p]));
    expect([...byEmail.keys()].sort()).toEqual([...GOOD.emails].sort());
    expect(byEmail.get(GOOD.emails[0])).toMatchObject({ firstName: 'Ysoldewyn', lastName: 'Thrommelbeck', phones: [{ number: GOOD.phones[0]!.e164 }], jobTitle: GOOD.jobTitles[0], city: GOOD.cities[0], lawfulBasis: 'legitimate_interests' });
    expect(byEmail.get(GOOD.emails[1])).toMatchObject({ firstName: 'Öxana', lastName: 'Pfefferlümmel', phones: [{ number: GOOD.phones[1]!.e164 }], jobTitle: FORMULA, city: GOOD.cities[1], lawfulBasis: 'consent' });
    // The companies were created (one, for two people) and read back by their id.
    const companyIds = people.map((p) => p.companyId);
    expect(companyIds.every((id) => typeof id === 'string')).toBe(true);
    expect(byEmail.get(GOOD.emails[2])!.companyId).toBe(byEmail.get(GOOD.emails[0])!.companyId);
    for (const [email, name] of [[GOOD.emails[0], GOOD.companies[0]], [GOOD.emails[1], GOOD.companies[1]]] as const) {
      const company = await h.app.inject({ method: 'GET', url: `/api/v1/companies/${byEmail.get(email)!.companyId}`, headers: { cookie: owner.cookie } });
      expect(company.statusCode, company.body).toBe(200);
      expect(company.json<{ name: string }>().name).toBe(name);
    }
    // No value of a bad row in either export: those rows landed nowhere.
    for (const file of [csv.body, json.body]) {
      const bytes = Buffer.from(file, 'utf8');
      expect(BAD.filter((v) => bytes.includes(Buffer.from(v, 'utf8')))).toEqual([]);
    }

    // The sealed exports' stored chunks hold none of the values.
    const exportChunks = await asOwner<{ export_id: string; body: Buffer }>(h.t, 'select export_id, body from contact_export_chunks where export_id = any($1::uuid[])', [[csv.made.id, json.made.id]]);
    expect(new Set(exportChunks.map((c) => c.export_id))).toEqual(new Set([csv.made.id, json.made.id]));
    for (const c of exportChunks) expect(all.filter((n) => c.body.includes(n)).map((n) => n.toString('utf8'))).toEqual([]);

    // The owners' alert mails are sent (the .eml fallback writes them under data/).
    await runJobs();
    const mails = filesUnder(h.ctx.config.dataDir).filter((f) => f.endsWith('.eml'));
    expect(mails.length).toBeGreaterThanOrEqual(2);

    // 4. The scan: every column of every table, every file under data/, the log.
    expect(await scanDatabase(all)).toEqual([]);
    expect(scanDataDir(all)).toEqual([]);
    expect(scanLog(all)).toEqual([]);

    // 5. Positive controls: the same scans find a value planted in each kind of place they search.
    const probe = GOOD.names[2]!; // 'Öxana': non-ASCII, so the UTF-8 encoding is exercised too
    const probeBytes = Buffer.from(probe, 'utf8');
    // The log capture holds this scenario's requests.
    expect(h.logs.text).toContain('/api/v1/imports/:id/errors');
    expect(h.logs.text).toContain('/api/v1/exports/:id/file');
    expect(scanLog([Buffer.from('/api/v1/exports/:id/file', 'utf8')])).toHaveLength(1);
    // A text, a bytea, a jsonb and an array column of a throwaway table.
    await asOwner(h.t, 'create table plaintext_scan_control (t text, b bytea, j jsonb, a text[])');
    try {
      await asOwner(h.t, `insert into plaintext_scan_control values ($1, convert_to($1, 'UTF8'), jsonb_build_object('k', $1::text), array[$1::text])`, [probe]);
      expect((await scanDatabase([probeBytes])).sort()).toEqual(['a', 'b', 'j', 't'].map((c) => `plaintext_scan_control.${c}: ${probe}`));
    } finally {
      await asOwner(h.t, 'drop table plaintext_scan_control');
    }
    // A sealed chunk of an export, and of the import's error file, with a value appended in clear.
    await asOwner(h.t, `update contact_export_chunks set body = body || convert_to($1, 'UTF8') where export_id = $2 and seq = 0`, [probe, csv.made.id]);
    await asOwner(h.t, `update import_chunks set data = data || convert_to($1, 'UTF8') where import_id = $2 and kind = 2`, [probe, importId]);
    expect((await scanDatabase([probeBytes])).sort()).toEqual([`contact_export_chunks.body: ${probe}`, `import_chunks.data: ${probe}`]);
    await asOwner(h.t, 'delete from contact_export_chunks where export_id = $1', [csv.made.id]);
    await asOwner(h.t, 'delete from import_chunks where import_id = $1', [importId]);
    expect(await scanDatabase([probeBytes])).toEqual([]);
    // A file under data/.
    const planted = path.join(h.ctx.config.dataDir, 'outbox', 'plaintext-scan-control.txt');
    fs.writeFileSync(planted, `Dear ${probe},\n`);
    try {
      expect(scanDataDir([probeBytes])).toEqual([`outbox/plaintext-scan-control.txt: ${probe}`]);
    } finally {
      fs.rmSync(planted);
    }
  });
});
