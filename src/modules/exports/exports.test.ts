/**
 * Exports (docs/exports.md): permission, contents and formula escaping, the
 * sealed file (no plaintext in any table), expiry by the injected clock, the
 * hourly purge, the audit events and the owners' and DPO's alert.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, created, workspace, type Ws } from '../contacts/contacts.test-helper.js';
import { purgeExpiredExports } from './index.js';

let h: TestApp;
let c: ReturnType<typeof api>;
let offset = 0;
const HOUR = 3_600_000;
let ws: Ws;
let dpo: SignedIn;
let sales: SignedIn;
let support: SignedIn;
const ids: string[] = [];

const FIRST = 'Quendolyn';
const PROBES = [FIRST, 'Vexworthy', 'quendolyn.vex@export-probe.example', 'Marmaladestreet 9', 'Biographyofxylophoneexports'];

beforeAll(async () => {
  h = await createTestApp({ now: () => new Date(Date.now() + offset) });
  c = api(h);
  ws = await workspace(h, 'DE');
  dpo = await signInAs(h, ws.workspaceId, 'dpo');
  sales = await signInAs(h, ws.workspaceId, 'sales');
  support = await signInAs(h, ws.workspaceId, 'support');
  ids.push(created(await c.create(ws.owner, {
    firstName: FIRST, lastName: PROBES[1], emails: [{ address: PROBES[2] }], address: { street: PROBES[3] }, bio: PROBES[4], tags: ['vip'],
  })));
  ids.push(created(await c.create(ws.owner, { firstName: '=HYPERLINK("http://evil.example","x")', lastName: '+1+2', jobTitle: '@SUM(A1)', bio: '-3', tags: ['vip'] })));
  ids.push(created(await c.create(ws.owner, { firstName: 'Plain', lastName: 'Person', emails: [{ address: 'plain@example.com' }] })));
});
afterAll(async () => {
  await h?.close();
});

const post = (who: SignedIn, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/api/v1/exports', headers: who.headers, payload });
const download = (headers: Record<string, string>, url: string) => h.app.inject({ method: 'GET', url, headers });
interface Created { id: string; url: string; records: number; expiresAt: string }

async function rows<R>(query: ReturnType<typeof sql<R>>): Promise<R[]> {
  return (await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => query.execute(trx))).rows;
}

const seen = new Set<string>();
async function newMail(): Promise<string[]> {
  for (let i = 0; i < 20 && (await h.ctx.jobs.runOnce(h.ctx.now())).claimed > 0; i++);
  const dir = path.join(h.ctx.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const fresh = fs.readdirSync(dir).filter((f) => f.endsWith('.eml') && !seen.has(f)).sort();
  fresh.forEach((f) => seen.add(f));
  return fresh.map((f) => fs.readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}
const mailTo = (mails: string[], email: string) => mails.filter((m) => new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(m));

describe('exports', () => {
  it('refuses roles without contacts:export, on create and on download', async () => {
    expect((await post(sales, { format: 'csv' })).statusCode).toBe(403);
    expect((await post(support, { format: 'json' })).statusCode).toBe(403);
    const token = await tokenFor(h, ws.workspaceId, ['contacts:read'], ws.owner.userId);
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/exports', headers: { authorization: `Bearer ${token}` }, payload: { format: 'csv' } })).statusCode).toBe(403);
    const made = (await post(ws.owner, { format: 'csv' })).json<Created>();
    expect((await download({ cookie: sales.cookie }, made.url)).statusCode).toBe(403);
    expect((await download({ authorization: `Bearer ${token}` }, made.url)).statusCode).toBe(403);
    expect((await download({ cookie: dpo.cookie }, made.url)).statusCode).toBe(200);
  });

  it('answers bad input with problem+json', async () => {
    const r = await post(ws.owner, { format: 'xlsx' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await post(ws.owner, { format: 'csv', segmentId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await download({ cookie: ws.owner.cookie }, '/api/v1/exports/00000000-0000-4000-8000-000000000000/file')).statusCode).toBe(404);
  });

  it('writes every visible contact as CSV, formulas escaped', async () => {
    const r = await post(ws.owner, { format: 'csv' });
    expect(r.statusCode, r.body).toBe(201);
    const made = r.json<Created>();
    expect(made.records).toBe(3);
    expect(made.url).toBe(`/api/v1/exports/${made.id}/file`);
    const file = await download({ cookie: ws.owner.cookie }, made.url);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = file.body.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^id,firstName,lastName,emails,/);
    expect(lines).toHaveLength(4);
    expect(file.body).toContain(`${FIRST},${PROBES[1]},${PROBES[2]}`);
    expect(file.body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")",'+1+2`);
    expect(file.body).toContain("'@SUM(A1)");
    expect(file.body).toContain(",'-3,");
    for (const line of lines) expect(line.split(',').some((cell) => /^[=+\-@]/.test(cell))).toBe(false);
  });

  it('writes JSON, and a segment only its members', async () => {
    const all = (await post(ws.owner, { format: 'json' })).json<Created>();
    const parsed = JSON.parse((await download({ cookie: ws.owner.cookie }, all.url)).body) as Array<{ id: string; firstName: string }>;
    expect(parsed.map((p) => p.id).sort()).toEqual([...ids].sort());
    const seg = await h.app.inject({ method: 'POST', url: '/api/v1/segments', headers: ws.owner.headers, payload: { name: 'VIPs', conditions: [{ type: 'tag', op: 'is', value: 'vip' }] } });
    expect(seg.statusCode, seg.body).toBe(201);
    const segmentId = seg.json<{ id: string }>().id;
    const part = (await post(ws.owner, { format: 'json', segmentId })).json<Created>();
    expect(part.records).toBe(2);
    const members = JSON.parse((await download({ cookie: ws.owner.cookie }, part.url)).body) as Array<{ id: string }>;
    expect(members.map((p) => p.id).sort()).toEqual([ids[0], ids[1]].sort());
    const events = await rows<{ subject_ids: string[]; details: Record<string, unknown> }>(
      sql`select subject_ids, details from audit_events where action = 'contact.exported' and details->>'exportId' = ${part.id}`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ segmentId, records: 2, format: 'json' });
  });

  it('audits the export with its ids and each download, and alerts owners and the DPO (mail and notice)', async () => {
    await newMail();
    const made = (await post(dpo, { format: 'csv' })).json<Created>();
    const events = await rows<{ actor_id: string; subject_ids: string[]; purpose: string; details: Record<string, unknown> }>(
      sql`select actor_id, subject_ids, purpose, details from audit_events where action = 'contact.exported' and details->>'exportId' = ${made.id}`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.actor_id).toBe(dpo.userId);
    expect(events[0]!.purpose).toBe('crm.export');
    expect([...events[0]!.subject_ids].sort()).toEqual([...ids].sort());
    await download({ cookie: ws.owner.cookie }, made.url);
    await download({ cookie: dpo.cookie }, made.url);
    const downloads = await rows<{ actor_id: string }>(sql`select actor_id from audit_events where action = 'contact_export.downloaded' and details->>'exportId' = ${made.id} order by id`);
    expect(downloads.map((d) => d.actor_id)).toEqual([ws.owner.userId, dpo.userId]);

    for (const m of [ws.owner, dpo]) {
      const notices = await rows<{ kind: string; payload: Record<string, unknown> }>(
        sql`select kind, payload from notifications where user_id = ${m.userId} and payload->>'exportId' = ${made.id}`,
      );
      expect(notices).toEqual([{ kind: 'contacts_exported', payload: { actorType: 'user', actorId: dpo.userId, exportId: made.id, records: 3, format: 'csv' } }]);
    }
    expect(await rows(sql`select 1 from notifications where user_id = ${sales.userId}`)).toEqual([]);
    const mails = await newMail();
    for (const email of [ws.owner.email, dpo.email]) {
      const mine = mailTo(mails, email);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain(`${dpo.email} exported 3 contacts (CSV)`);
      for (const p of PROBES) expect(mine[0]).not.toContain(p);
    }
    expect(mailTo(mails, sales.email)).toEqual([]);
  });

  it('keeps no personal value in clear in any table or in the log', async () => {
    await post(ws.owner, { format: 'csv' });
    await post(ws.owner, { format: 'json' });
    const chunks = await rows<{ n: number }>(sql`select count(*)::int as n from contact_export_chunks`);
    expect(chunks[0]!.n).toBeGreaterThan(0);
    const needles = PROBES.flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.from(v.toLowerCase(), 'utf8')]);
    const cols = await asOwner<{ table_name: string; column_name: string }>(h.t, `select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'bytea', 'jsonb', 'character varying', 'json', 'ARRAY')`);
    const hits: string[] = [];
    for (const col of cols) {
      const values = await asOwner<{ v: unknown }>(h.t, `select "${col.column_name}" as v from "${col.table_name}" where "${col.column_name}" is not null`);
      for (const { v } of values) {
        const bytes = Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
        for (const n of needles) if (bytes.includes(n)) hits.push(`${col.table_name}.${col.column_name}`);
      }
    }
    expect(hits).toEqual([]);
    const log = Buffer.from(h.logs.text, 'utf8');
    expect(needles.filter((n) => log.includes(n)).map((n) => n.toString('utf8'))).toEqual([]);
    // The scan sees the chunks: a planted value in one is found.
    await asOwner(h.t, `update contact_export_chunks set body = body || convert_to($1, 'UTF8') where seq = 0`, [FIRST]);
    const planted = await asOwner<{ n: number }>(h.t, `select count(*)::int as n from contact_export_chunks where position(convert_to($1, 'UTF8') in body) > 0`, [FIRST]);
    expect(planted[0]!.n).toBeGreaterThan(0);
    await asOwner(h.t, `delete from contact_export_chunks where position(convert_to($1, 'UTF8') in body) > 0`, [FIRST]);
  });

  it('expires 24 hours after it was made (410), and the hourly purge deletes the file', async () => {
    offset = 0;
    const made = (await post(ws.owner, { format: 'csv' })).json<Created>();
    offset = 24 * HOUR - 60_000;
    const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.owner.userId, email: ws.owner.email });
    expect((await download({ cookie: owner.cookie }, made.url)).statusCode).toBe(200);
    offset = 24 * HOUR + 1_000;
    const later = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.owner.userId, email: ws.owner.email });
    const gone = await download({ cookie: later.cookie }, made.url);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(gone.json<{ type: string }>().type).toMatch(/\/export-expired$/);
    // The recurring job exports.purge (src/context.ts) deletes it within the hour.
    // Its cut-off is the database's clock (migration 0025), so the export is made
    // to have expired by then, as an insider would, as well as the app's clock moved.
    await asOwner(h.t, `update contact_exports set expires_at = now() - interval '1 second' where id = $1`, [made.id]);
    const runAt = new Date(Date.now() + offset + 2 * HOUR);
    for (let round = 0; round < 20 && (await h.ctx.jobs.runOnce(runAt)).claimed > 0; round += 1);
    expect(await asOwner(h.t, `select state from jobs where kind = 'exports.purge' and state = 'done'`)).not.toEqual([]);
    expect(await rows(sql`select 1 from contact_exports where id = ${made.id}`)).toEqual([]);
    expect(await rows(sql`select 1 from contact_export_chunks where export_id = ${made.id}`)).toEqual([]);
    expect((await download({ cookie: later.cookie }, made.url)).statusCode).toBe(404);
    offset = 0;
    // Unexpired exports stay.
    const fresh = (await post(ws.owner, { format: 'json' })).json<Created>();
    expect(await purgeExpiredExports(h.ctx, new Date(Date.now() + 23 * HOUR))).toBe(0);
    expect(await rows(sql`select 1 from contact_exports where id = ${fresh.id}`)).toHaveLength(1);
  });
});
