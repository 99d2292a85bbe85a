/**
 * The bulk path of imports: batches prepared by worker threads land exactly
 * as batches prepared inline (same counts, same error file, same contacts);
 * duplicates are matched in memory against the workspace's existing people
 * and against rows of earlier batches; a key rotation during an import makes
 * the run start again under the new keys, and nothing is left wrapped or
 * indexed under the old ones.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { rotateKeys } from '../../platform/crypto/index.js';
import { createContacts, findByEmail, listContacts } from '../contacts/index.js';
import { workspace, type Ws } from '../contacts/contacts.test-helper.js';
import { createImport, errorFile, importStatus, runImport, type RunOptions } from './service.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

/** 60 rows over 9 batches of 7: bad rows, a repeat of an earlier batch's row, a repeat within a batch, an existing person. */
function file(): string {
  const lines = ['firstName,lastName,email,phone,company,city'];
  for (let i = 0; i < 60; i += 1) {
    if (i === 5) lines.push('Bad,Email,not-an-email,,,');
    else if (i === 17) lines.push(`Again,Row3,row3@bulk.example,,,`); // row 3's address, two batches later
    else if (i === 22) lines.push('Twice,Inbatch,row21@bulk.example,,,'); // row 21's address, same batch
    else if (i === 30) lines.push('Known,Person,known@bulk.example,,,'); // exists before the import
    else if (i === 41) lines.push('Bad,Phone,badphone@bulk.example,12,,');
    else lines.push(`Person${i},Bulk${i},row${i}@bulk.example,+49 151 ${String(10_000_000 + i)},${i % 3 === 0 ? 'Nordwind GmbH' : ''},Berlin`);
  }
  return `${lines.join('\n')}\n`;
}

async function importInto(ws: Ws, csv: string, opts: RunOptions): Promise<{ status: unknown; errors: string }> {
  const id = await createImport(h.ctx, ws.workspaceId, { type: 'user', id: ws.owner.userId }, Readable.from([Buffer.from(csv)]),
    () => ({ lawfulBasis: 'legitimate_interests', source: 'bulk test' }));
  expect(await runImport(h.ctx, ws.workspaceId, id, opts)).toBe('done');
  const chunks: Buffer[] = [];
  for await (const c of errorFile(h.ctx, ws.workspaceId, id)) chunks.push(c);
  const status = await importStatus(h.ctx, ws.workspaceId, id);
  return { status: { ...status, id: undefined, errorsUrl: undefined }, errors: Buffer.concat(chunks).toString('utf8') };
}

async function people(ws: Ws): Promise<string[]> {
  return h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listContacts(h.ctx, trx, ws.workspaceId, { limit: 200, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
      out.push(...page.items.map((c) => `${c.firstName} ${c.lastName} ${c.emails.map((e) => e.address).join('+')} ${c.phones.map((p) => p.number).join('+')} ${c.companyId ? 'co' : '-'}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out.sort();
  });
}

async function withKnownPerson(): Promise<Ws> {
  const ws = await workspace(h);
  await h.ctx.db.withWorkspace(ws.workspaceId, (trx) =>
    createContacts(h.ctx, trx, ws.workspaceId, [{ firstName: 'Known', lastName: 'Before', emails: [{ address: 'known@bulk.example' }], lawfulBasis: 'consent', source: 'x' }]));
  return ws;
}

describe('imports prepared by worker threads', () => {
  it('land exactly what an inline run lands, duplicates matched in memory', async () => {
    const inline = await withKnownPerson();
    const threaded = await withKnownPerson();
    const a = await importInto(inline, file(), { batchSize: 7, threads: 0 });
    const b = await importInto(threaded, file(), { batchSize: 7, threads: 2 });
    // 60 rows: 2 rejected, 3 skipped (row 3 again, row 21 again, the known person), 55 created.
    expect(a.status).toMatchObject({ status: 'done', processed: 60, created: 55, skipped: 3, rejected: 2, updated: 0 });
    expect(b.status).toEqual(a.status);
    expect(b.errors).toBe(a.errors);
    expect(a.errors).toBe('line,column,reason\r\n7,email,invalid_email\r\n43,phone,invalid_phone\r\n');
    const inlinePeople = await people(inline);
    expect(await people(threaded)).toEqual(inlinePeople);
    expect(inlinePeople).toHaveLength(56);
    // Searchable and found by email as the contacts module writes them.
    await h.ctx.db.withWorkspace(threaded.workspaceId, async (trx) => {
      expect(await findByEmail(h.ctx, trx, threaded.workspaceId, 'ROW42@bulk.example')).toHaveLength(1);
      const page = await listContacts(h.ctx, trx, threaded.workspaceId, { q: 'nordw bulk42', limit: 10 });
      expect(page.items.map((c) => c.lastName)).toEqual(['Bulk42']);
    });
  });

  it('skips, or with policy update updates, a person repeated in a later batch', async () => {
    const csv = 'firstName,lastName,email,city\nFirst,Version,same@bulk.example,Berlin\nx,y,other@bulk.example,\nSecond,Version,same@bulk.example,Paris\n';
    const ws = await workspace(h);
    const r = await importInto(ws, csv, { batchSize: 1, threads: 2 });
    expect(r.status).toMatchObject({ created: 2, updated: 0, skipped: 1 });
    const [c] = await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => findByEmail(h.ctx, trx, ws.workspaceId, 'same@bulk.example'));
    expect(c).toMatchObject({ firstName: 'First', lastName: 'Version', city: 'Berlin' });
    const ws2 = await workspace(h);
    const id = await createImport(h.ctx, ws2.workspaceId, { type: 'user', id: ws2.owner.userId }, Readable.from([Buffer.from(csv)]),
      () => ({ lawfulBasis: 'consent', source: 's', duplicates: 'update' }));
    expect(await runImport(h.ctx, ws2.workspaceId, id, { batchSize: 1, threads: 2 })).toBe('done');
    expect(await importStatus(h.ctx, ws2.workspaceId, id)).toMatchObject({ created: 2, updated: 1 });
    const [u] = await h.ctx.db.withWorkspace(ws2.workspaceId, (trx) => findByEmail(h.ctx, trx, ws2.workspaceId, 'same@bulk.example'));
    expect(u).toMatchObject({ firstName: 'Second', lastName: 'Version', city: 'Paris' });
  });

  it('a key rotation mid-import restarts the run under the new keys; nothing stays under the old ones', async () => {
    const ws = await workspace(h);
    const rows = Array.from({ length: 40 }, (_, i) => `Rot${i},Ated${i},rot${i}@bulk.example`);
    const id = await createImport(h.ctx, ws.workspaceId, { type: 'user', id: ws.owner.userId }, Readable.from([Buffer.from(['firstName,lastName,email', ...rows].join('\n'))]),
      () => ({ lawfulBasis: 'consent', source: 'rotation' }));
    let rotated = false;
    const outcome = await runImport(h.ctx, ws.workspaceId, id, {
      batchSize: 5,
      threads: 2,
      onBatch: async () => {
        if (rotated) return;
        rotated = true;
        await rotateKeys({ db: h.ctx.db, keyring: h.ctx.keyring, vault: h.ctx.vault, now: h.ctx.now() });
      },
    });
    expect(outcome).toBe('done');
    expect(await importStatus(h.ctx, ws.workspaceId, id)).toMatchObject({ processed: 40, created: 40 });
    const versions = await asOwner<{ v: number }>(h.t, 'select distinct ws_version as v from subject_keys where workspace_id = $1', [ws.workspaceId]);
    const [current] = await asOwner<{ v: number }>(h.t, 'select max(version) as v from workspace_keys where workspace_id = $1', [ws.workspaceId]);
    expect(versions).toEqual([{ v: current!.v }]);
    await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
      for (const i of [0, 4, 5, 39]) {
        expect(await findByEmail(h.ctx, trx, ws.workspaceId, `rot${i}@bulk.example`)).toHaveLength(1);
        expect((await listContacts(h.ctx, trx, ws.workspaceId, { q: `ated${i}`, limit: 5 })).items.map((c) => c.firstName)).toContain(`Rot${i}`);
      }
    });
  });

  it('two runs of one import at once land every row exactly once', async () => {
    const ws = await workspace(h);
    const rows = Array.from({ length: 90 }, (_, i) => `Twin${i},Run${i},twin${i}@bulk.example`);
    const id = await createImport(h.ctx, ws.workspaceId, { type: 'user', id: ws.owner.userId }, Readable.from([Buffer.from(['firstName,lastName,email', ...rows].join('\n'))]),
      () => ({ lawfulBasis: 'consent', source: 'twins', duplicates: 'create' }));
    const outcomes = await Promise.all([
      runImport(h.ctx, ws.workspaceId, id, { batchSize: 4, threads: 2 }),
      runImport(h.ctx, ws.workspaceId, id, { batchSize: 6, threads: 0 }),
    ]);
    expect(outcomes).toContain('done');
    for (const o of outcomes) expect(['done', 'superseded']).toContain(o);
    expect(await importStatus(h.ctx, ws.workspaceId, id)).toMatchObject({ status: 'done', processed: 90, created: 90 });
    // duplicates 'create' matches nothing: a row landed twice would show as two contacts with one address.
    const counts = await asOwner<{ n: number }>(h.t, `select count(*)::int as n from contact_lookup where workspace_id = $1 and kind = 1 group by value order by n desc limit 1`, [ws.workspaceId]);
    expect(counts).toEqual([{ n: 1 }]);
    expect(await asOwner<{ n: number }>(h.t, 'select count(*)::int as n from contacts where workspace_id = $1', [ws.workspaceId])).toEqual([{ n: 90 }]);
  });

  it('while a key rotation is half done, duplicates are still found (asked of the database, both versions)', async () => {
    const ws = await workspace(h);
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) =>
      createContacts(h.ctx, trx, ws.workspaceId, [{ firstName: 'Before', lastName: 'Rotation', emails: [{ address: 'before@rotation.example' }], lawfulBasis: 'consent', source: 'x' }]));
    // A rotation that stopped after adding the new workspace key: stored index values are under the old version.
    const epoch = await h.ctx.keyring.addEpoch();
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => h.ctx.vault.ensureWorkspaceKey(trx, ws.workspaceId, epoch));
    const csv = 'firstName,lastName,email\nAgain,Before,BEFORE@rotation.example\nNew,Person,new@rotation.example\n';
    const r = await importInto(ws, csv, { batchSize: 1, threads: 2 });
    expect(r.status).toMatchObject({ processed: 2, created: 1, skipped: 1 });
    await rotateKeys({ db: h.ctx.db, keyring: h.ctx.keyring, vault: h.ctx.vault, now: h.ctx.now() });
    await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
      expect(await findByEmail(h.ctx, trx, ws.workspaceId, 'before@rotation.example')).toHaveLength(1);
      expect(await findByEmail(h.ctx, trx, ws.workspaceId, 'new@rotation.example')).toHaveLength(1);
    });
  });
});
