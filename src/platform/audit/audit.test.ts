import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { chainAll, chainWorkspace, unchainedCount } from './chainer.js';
import { auditCode, auditId, keyedHash, type AuditEventInput, type KeyedHash } from './event.js';
import { KEY, makeWorkspace, record, sampleEvent, tempDir } from './fixtures.test-helper.js';
import { listAuditEvents } from './list.js';
import { recordAudit, recordAuditMany } from './record.js';
import { verifyAudit } from './verify.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function seqs(ws: string): Promise<Array<{ seq: number; prev: string; hash: string }>> {
  const r = await t.db.withWorkspace(ws, (trx) =>
    sql<{ seq: number; prev: string; hash: string }>`select seq, encode(prev_hash, 'hex') as prev, encode(hash, 'hex') as hash
      from audit_events where seq is not null order by seq`.execute(trx),
  );
  return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }));
}

function expectGaplessLinked(rows: Array<{ seq: number; prev: string; hash: string }>, n: number): void {
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(rows[0]?.prev).toBe('00'.repeat(32));
  rows.slice(1).forEach((r, i) => expect(r.prev).toBe(rows[i]?.hash));
}

describe('recording', () => {
  it('refuses personal values in details, whatever the types say', async () => {
    const ws = await makeWorkspace(t);
    const bad: unknown[] = ['alice@example.com', 'Alice Smith', '10.0.0.1', 'fe80::1', '2001:db8::ff00:42:8329'];
    for (const value of bad) {
      const event = { ...sampleEvent(0), details: { typed: value as KeyedHash } };
      await expect(t.db.withWorkspace(ws, (trx) => recordAudit(trx, event))).rejects.toThrow(/audit event details/);
    }
    expect(() => keyedHash('alice@example.com')).toThrow();
    expect(() => auditCode('Alice')).toThrow();
    expect(() => auditId('not-a-uuid')).toThrow();
  });

  it('refuses malformed actions, actors and subjects', async () => {
    const ws = await makeWorkspace(t);
    const cases: AuditEventInput[] = [
      { ...sampleEvent(0), action: 'Contact.Read' },
      { ...sampleEvent(0), subjectIds: ['bob@example.com'] },
      { ...sampleEvent(0), actor: { type: 'user', id: 'bob' } },
      { ...sampleEvent(0), purpose: 'Marketing Emails' },
    ];
    for (const c of cases) await expect(t.db.withWorkspace(ws, (trx) => recordAudit(trx, c))).rejects.toThrow(/audit event/);
  });

  it('commits with the transaction it records, and rolls back with it', async () => {
    const ws = await makeWorkspace(t);
    await expect(
      t.db.withWorkspace(ws, async (trx) => {
        await recordAudit(trx, sampleEvent(1));
        throw new Error('the recorded work failed');
      }),
    ).rejects.toThrow(/work failed/);
    const ip = keyedHash('ab'.repeat(32));
    await t.db.withWorkspace(ws, (trx) => recordAudit(trx, { ...sampleEvent(2), details: { ipHash: ip, count: 3, ok: true } }));
    const page = await t.db.withWorkspace(ws, (trx) => listAuditEvents(trx, { limit: 10 }));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ seq: null, hash: null, details: { ipHash: ip, count: 3, ok: true } });
  });

  it('the app role may not UPDATE or DELETE events, nor choose seq or hashes', async () => {
    const ws = await makeWorkspace(t);
    await record(t, ws, 2);
    await chainWorkspace(t.db, ws);
    await record(t, ws, 1); // one unchained too
    for (const stmt of [sql`update audit_events set action = 'contact.deleted'`, sql`delete from audit_events`]) {
      await expect(t.db.withWorkspace(ws, (trx) => stmt.execute(trx))).rejects.toThrow(/permission denied/);
    }
    await expect(
      t.db.withWorkspace(ws, (trx) =>
        sql`insert into audit_events (workspace_id, action, actor_type, seq) values (${ws}, 'contact.read', 'user', 99)`.execute(trx),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.db.withWorkspace(ws, (trx) => sql`select confidant_audit_chain(0, '\\x00'::bytea, '{1}'::bigint[], '{}'::bytea[])`.execute(trx)),
    ).rejects.toThrow(/differ in length|head moved/);
  });

  it('records a batch with one call, and an event may list many subjects', async () => {
    const ws = await makeWorkspace(t);
    const many = Array.from({ length: 2000 }, () => randomUUID());
    const ids = await t.db.withWorkspace(ws, (trx) =>
      recordAuditMany(trx, [sampleEvent(0, many), ...Array.from({ length: 99 }, (_, i) => sampleEvent(i + 1))]),
    );
    expect(ids).toHaveLength(100);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const seen = await t.db.withWorkspace(ws, (trx) => listAuditEvents(trx, { subjectId: many[1234] ?? '', limit: 5 }));
    expect(seen.items.map((e) => e.id)).toEqual([String(ids[0])]);
  });
});

describe('the chain', () => {
  it('chains in order, gapless and linked; verify agrees and counts the unchained tail', async () => {
    const ws = await makeWorkspace(t);
    await record(t, ws, 25);
    const before = await verifyAudit(t.db, { workspaceId: ws, checkpointKey: KEY, checkpointDir: tempDir() });
    expect(before).toMatchObject({ intact: true, checked: 0, unchained: 25, lastCheckpointSeq: null });
    expect((await unchainedCount(t.db)).count).toBeGreaterThanOrEqual(25);
    const r = await chainWorkspace(t.db, ws, { batchSize: 7 });
    expect(r).toMatchObject({ chained: 25, headSeq: 25 });
    expectGaplessLinked(await seqs(ws), 25);
    await record(t, ws, 3);
    const after = await verifyAudit(t.db, { workspaceId: ws, checkpointKey: KEY, checkpointDir: tempDir() });
    expect(after).toMatchObject({ intact: true, checked: 25, unchained: 3 });
    expect(after.workspaces[0]?.oldestUnchainedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('reports the backlog and its age across workspaces', async () => {
    await chainAll(t.db);
    expect((await unchainedCount(t.db)).count).toBe(0);
    const ws = await makeWorkspace(t);
    await record(t, ws, 4);
    const backlog = await unchainedCount(t.db);
    expect(backlog.count).toBe(4);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(backlog.oldestAt).toBeInstanceOf(Date);
  });

  it('chained rows are frozen by the trigger, even for the owner', async () => {
    const ws = await makeWorkspace(t);
    await record(t, ws, 3);
    await chainWorkspace(t.db, ws);
    await record(t, ws, 1);
    await expect(
      asOwner(t, `update audit_events set action = 'contact.deleted' where workspace_id = $1 and seq = 2`, [ws]),
    ).rejects.toThrow(/chained and frozen/);
    await expect(asOwner(t, `delete from audit_events where workspace_id = $1`, [ws])).rejects.toThrow(/append-only/);
    await expect(asOwner(t, `truncate audit_events`)).rejects.toThrow(/append-only/);
    await expect(
      asOwner(t, `update audit_events set action = 'contact.deleted' where workspace_id = $1 and seq is null`, [ws]),
    ).rejects.toThrow(/only be chained, by the chainer/);
    await expect(
      asOwner(t, `insert into audit_events (workspace_id, action, actor_type, seq, prev_hash, hash)
        values ($1, 'contact.read', 'user', 5, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'))`, [ws]),
    ).rejects.toThrow(/chained only by the chainer/);
  });

  it('two workspaces writing while two chainers run at once: gapless, unforked chains', async () => {
    const a = await makeWorkspace(t);
    const b = await makeWorkspace(t);
    const writers = Array.from({ length: 40 }, (_, i) =>
      t.db.withWorkspace(i % 2 === 0 ? a : b, (trx) => recordAuditMany(trx, [sampleEvent(i), sampleEvent(i + 100)])),
    );
    const chainers = Array.from({ length: 6 }, (_, i) => chainWorkspace(t.db, i % 2 === 0 ? a : b, { batchSize: 5 }));
    const extra = [chainAll(t.db, { batchSize: 3 }), chainAll(t.db, { batchSize: 4 })];
    await Promise.all([...writers, ...chainers, ...extra]);
    await Promise.all([chainWorkspace(t.db, a), chainWorkspace(t.db, b)]);
    for (const ws of [a, b]) {
      expectGaplessLinked(await seqs(ws), 40);
      const v = await verifyAudit(t.db, { workspaceId: ws, checkpointKey: KEY, checkpointDir: tempDir() });
      expect(v).toMatchObject({ intact: true, checked: 40, unchained: 0 });
    }
  });

  it('chains thousands of events per second', async () => {
    const ws = await makeWorkspace(t);
    const n = 5000;
    await t.db.withWorkspace(ws, (trx) => recordAuditMany(trx, Array.from({ length: n }, (_, i) => sampleEvent(i))));
    const started = performance.now();
    const r = await chainWorkspace(t.db, ws);
    const perSecond = n / ((performance.now() - started) / 1000);
    expect(r.chained).toBe(n);
    expect(perSecond).toBeGreaterThan(2000);
  });
});

describe('listing', () => {
  it('filters by actor, subject and action, pages newest first with a cursor', async () => {
    const ws = await makeWorkspace(t);
    const actor = randomUUID();
    const person = randomUUID();
    const events: AuditEventInput[] = Array.from({ length: 5 }, (_, i) => ({
      ...sampleEvent(i, i % 2 === 0 ? [person] : [randomUUID()]),
      actor: { type: 'user', id: i < 3 ? actor : randomUUID() },
    }));
    await t.db.withWorkspace(ws, (trx) => recordAuditMany(trx, events));
    await chainWorkspace(t.db, ws);
    const list = (f: Parameters<typeof listAuditEvents>[1]) => t.db.withWorkspace(ws, (trx) => listAuditEvents(trx, f));
    const first = await list({ actorId: actor, limit: 2 });
    expect(first.items.map((e) => e.seq)).toEqual([3, 2]);
    expect(first.items[0]).toMatchObject({ actorId: actor, purpose: 'crm.view', action: 'contact.read' });
    expect(first.items[0]?.prevHash).toBe(first.items[1]?.hash);
    const second = await list({ actorId: actor, limit: 2, cursor: first.nextCursor });
    expect(second.items.map((e) => e.seq)).toEqual([1]);
    expect(second.nextCursor).toBeNull();
    expect((await list({ subjectId: person, limit: 10 })).items.map((e) => e.seq)).toEqual([5, 3, 1]);
    expect((await list({ action: 'contact.deleted', limit: 10 })).items).toEqual([]);
    expect((await list({ from: new Date(Date.now() + 60_000), limit: 10 })).items).toEqual([]);
    const other = await makeWorkspace(t);
    expect((await t.db.withWorkspace(other, (trx) => listAuditEvents(trx, { subjectId: person, limit: 10 }))).items).toEqual([]);
  });
});
