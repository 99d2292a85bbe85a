import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { chainWorkspace, recordAudit } from '../../platform/audit/index.js';
import { asOwner } from '../../../test/helpers/db.js';

interface Page {
  items: Array<{ seq: number | null; action: string; actorId: string | null; actorType: string; subjectIds: string[]; hash: string | null; prevHash: string | null; requestId: string | null }>;
  nextCursor: string | null;
}

let h: TestApp;
let ws: { workspaceId: string; ownerId: string };
let other: { workspaceId: string };
let auditor: SignedIn;
const subject = randomUUID();
const actor = randomUUID();
const otherSubject = randomUUID();

beforeAll(async () => {
  h = await createTestApp();
  ws = await makeWorkspace(h);
  other = await makeWorkspace(h);
  auditor = await signInAs(h, ws.workspaceId, 'auditor');
  await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
    await recordAudit(trx, { action: 'contact.read', actor: { type: 'user', id: actor }, subjectIds: [subject], purpose: 'crm.view' });
    await recordAudit(trx, { action: 'contact.updated', actor: { type: 'user', id: actor }, subjectIds: [subject] });
    await recordAudit(trx, { action: 'contact.read', actor: { type: 'token', id: randomUUID() }, subjectIds: [otherSubject], purpose: 'crm.view' });
    // A request id may begin with '-': the CSV must not hand it to a spreadsheet as a formula.
    await recordAudit(trx, { action: 'export.created', actor: { type: 'user', id: actor }, requestId: '-2-cmd' });
  });
  await h.ctx.db.withWorkspace(other.workspaceId, (trx) =>
    recordAudit(trx, { action: 'contact.read', actor: { type: 'user', id: actor }, subjectIds: [subject], purpose: 'crm.view' }),
  );
  await chainWorkspace(h.ctx.db, ws.workspaceId);
});
afterAll(async () => {
  await h.close();
});

const get = (url: string, headers: Record<string, string> = auditor.headers) => h.app.inject({ method: 'GET', url, headers });

describe('GET /api/v1/audit-events', () => {
  it('lists chained events newest first for an auditor, with hashes linked', async () => {
    const res = await get('/api/v1/audit-events?limit=200');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    const contactEvents = page.items.filter((e) => e.action.startsWith('contact.'));
    expect(contactEvents).toHaveLength(3);
    const seqs = page.items.map((e) => e.seq).filter((s): s is number => s !== null);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const bySeq = new Map(page.items.map((e) => [e.seq, e]));
    for (const e of page.items) if (e.seq !== null && e.seq > 1) expect(e.prevHash).toBe(bySeq.get(e.seq - 1)?.hash);
  });

  it('filters by actor, subject, action and time range', async () => {
    const byActor = (await get(`/api/v1/audit-events?actorId=${actor}`)).json<Page>();
    expect(byActor.items.map((e) => e.action).sort()).toEqual(['contact.read', 'contact.updated', 'export.created']);
    const bySubject = (await get(`/api/v1/audit-events?subjectId=${subject}`)).json<Page>();
    expect(bySubject.items.map((e) => e.action).sort()).toEqual(['contact.read', 'contact.updated']);
    const byAction = (await get(`/api/v1/audit-events?action=contact.read&subjectId=${otherSubject}`)).json<Page>();
    expect(byAction.items).toHaveLength(1);
    expect(byAction.items[0]?.actorType).toBe('token');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await get(`/api/v1/audit-events?from=${future}`)).json<Page>().items).toEqual([]);
    expect((await get(`/api/v1/audit-events?actorId=${actor}&from=${past}&to=${future}`)).json<Page>().items).toHaveLength(3);
    expect((await get(`/api/v1/audit-events?actorId=${actor}&to=${past}`)).json<Page>().items).toEqual([]);
  });

  it('pages with a cursor and refuses a forged one with a 400 problem', async () => {
    const first = (await get(`/api/v1/audit-events?actorId=${actor}&limit=2`)).json<Page>();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = (await get(`/api/v1/audit-events?actorId=${actor}&limit=2&cursor=${first.nextCursor}`)).json<Page>();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const bad = await get('/api/v1/audit-events?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect((await get('/api/v1/audit-events?actorId=nope')).statusCode).toBe(400);
  });

  it("never shows another workspace's events", async () => {
    const page = (await get(`/api/v1/audit-events?subjectId=${subject}&limit=200`)).json<Page>();
    expect(page.items).toHaveLength(2);
    const otherAuditor = await signInAs(h, other.workspaceId, 'auditor');
    const theirs = (await get('/api/v1/audit-events?limit=200', otherAuditor.headers)).json<Page>();
    expect(theirs.items.filter((e) => e.action === 'contact.updated')).toEqual([]);
    expect(theirs.items.filter((e) => e.subjectIds.includes(subject))).toHaveLength(1);
  });

  it('answers 403 to a sales member and 401 without credentials; a token needs audit:read', async () => {
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await get('/api/v1/audit-events', sales.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/audit-events/export.csv', sales.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/audit-events/verify', sales.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/audit-events', {})).statusCode).toBe(401);
    const withScope = await tokenFor(h, ws.workspaceId, ['audit:read'], null);
    expect((await get('/api/v1/audit-events', { authorization: `Bearer ${withScope}` })).statusCode).toBe(200);
    const without = await tokenFor(h, ws.workspaceId, ['contacts:read'], null);
    expect((await get('/api/v1/audit-events', { authorization: `Bearer ${without}` })).statusCode).toBe(403);
  });
});

describe('GET /api/v1/audit-events/verify', () => {
  it("reports the caller's chain as intact, with the unchained tail", async () => {
    const res = await get('/api/v1/audit-events/verify');
    expect(res.statusCode).toBe(200);
    const v = res.json<{ intact: boolean; checked: number; unchained: number; lastCheckpointSeq: number | null; firstBrokenSeq?: number }>();
    expect(v.intact).toBe(true);
    expect(v.checked).toBeGreaterThanOrEqual(4);
    expect(v.firstBrokenSeq).toBeUndefined();
    expect(v).toHaveProperty('lastCheckpointSeq');
    expect(typeof v.unchained).toBe('number');
    expect(res.json<{ reasons: string[] }>().reasons).toEqual([]);
  });

  it('reports an unchained tail older than AUDIT_UNCHAINED_MAX_SECONDS (5 minutes) as not intact, saying why', async () => {
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) =>
      recordAudit(trx, { action: 'contact.read', actor: { type: 'user', id: randomUUID() }, subjectIds: [subject], purpose: 'crm.view' }),
    );
    // `at` comes from the database's clock: the insider makes the event old.
    await asOwner(h.t, 'alter table audit_events disable trigger audit_events_guard');
    await asOwner(h.t, `update audit_events set at = now() - interval '10 minutes' where workspace_id = $1 and seq is null`, [ws.workspaceId]);
    await asOwner(h.t, 'alter table audit_events enable trigger audit_events_guard');
    const v = (await get('/api/v1/audit-events/verify')).json<{ intact: boolean; unchained: number; reasons: string[] }>();
    expect(v.intact).toBe(false);
    expect(v.unchained).toBeGreaterThanOrEqual(1);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(/unchained, the oldest 6\d\d s old \(bound 300 s\)/);
    await chainWorkspace(h.ctx.db, ws.workspaceId);
    expect((await get('/api/v1/audit-events/verify')).json<{ intact: boolean }>().intact).toBe(true);
  });
});

describe('GET /api/v1/audit-events/export.csv', () => {
  it('downloads the filtered trail with formula cells escaped, and audits the export', async () => {
    const res = await get(`/api/v1/audit-events/export.csv?actorId=${actor}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse<Record<string, string>>(res.body, { columns: true });
    expect(rows.map((r) => r.action).sort()).toEqual(['contact.read', 'contact.updated', 'export.created']);
    expect(rows.find((r) => r.action === 'export.created')?.requestId).toBe("'-2-cmd");
    expect(res.body).not.toMatch(/(^|,)-2-cmd/m);

    const exported = (await get('/api/v1/audit-events?action=audit.exported')).json<Page>();
    expect(exported.items).toHaveLength(1);
    expect(exported.items[0]).toMatchObject({ actorId: auditor.userId, actorType: 'user' });
  });

  it('applies the same validation as the list', async () => {
    expect((await get('/api/v1/audit-events/export.csv?from=yesterday')).statusCode).toBe(400);
  });
});
