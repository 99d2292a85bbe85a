import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { Keyring } from './keyring.js';
import { DecryptionError, Vault, type SealTarget } from './vault.js';
import { openWithKey, sealWithKey } from './fields.js';

let t: TestDatabase;
let keyDir: string;
let vault: Vault;
const ws = randomUUID();
const other = randomUUID();
const alice = randomUUID();
const bob = randomUUID();

async function makeWorkspace(id: string): Promise<void> {
  await t.db.withWorkspace(id, async (trx) => {
    await sql`insert into workspaces (id, slug, name) values (${id}, ${`w-${id.slice(0, 8)}`}, 'w')`.execute(trx);
    await vault.createWorkspaceKeys(trx, id);
  });
}

const target = (over: Partial<SealTarget> = {}): SealTarget => ({
  workspaceId: ws,
  subjectId: alice,
  table: 'contacts',
  rowId: alice,
  column: 'record',
  recordVersion: 1,
  ...over,
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DecryptionError) return e.code;
    throw e;
  }
  return 'opened';
}

beforeAll(async () => {
  t = await createTestDatabase();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-vault-'));
  keyDir = path.join(root, 'keys');
  vault = new Vault(await Keyring.load({ dir: keyDir, dataDir: path.join(root, 'data'), warn: () => {} }));
  await makeWorkspace(ws);
  await makeWorkspace(other);
  await t.db.withWorkspace(ws, async (trx) => {
    await vault.createSubjectKey(trx, ws, alice);
    await vault.createSubjectKey(trx, ws, bob);
  });
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(path.dirname(keyDir), { recursive: true, force: true });
});

describe('Vault seal/open', () => {
  const value = { name: 'Alice Example', email: 'alice@example.org' };

  it('round-trips a sealed record, and the stored bytes hold no plaintext', async () => {
    const ct = await t.db.withWorkspace(ws, (trx) => vault.sealJson(trx, target(), value));
    expect(ct.includes(Buffer.from('alice@example.org'))).toBe(false);
    expect(ct[0]).toBe(1);
    const back = await t.db.withWorkspace(ws, (trx) => vault.openJson<typeof value>(trx, target(), ct));
    expect(back).toEqual(value);
    // A fresh process (cold cache) reads it through the wrapped keys alone.
    const cold = new Vault(vault.keyring);
    expect(await t.db.withWorkspace(ws, (trx) => cold.openJson(trx, target(), ct))).toEqual(value);
  });

  it('rejects a flipped byte, a truncated tag and a bad header with clear codes', async () => {
    const ct = await t.db.withWorkspace(ws, (trx) => vault.sealJson(trx, target(), value));
    const open = (c: Buffer) => t.db.withWorkspace(ws, (trx) => vault.open(trx, target(), c));
    for (const i of [0 + 20, ct.length - 1]) {
      const flipped = Buffer.from(ct);
      flipped[i]! ^= 0x01;
      expect(await code(open(flipped))).toBe('tampered');
    }
    expect(await code(open(ct.subarray(0, ct.length - 4)))).toBe('tampered');
    expect(await code(open(ct.subarray(0, 20)))).toBe('bad_format');
    const badFormat = Buffer.from(ct);
    badFormat[0] = 9;
    expect(await code(open(badFormat))).toBe('bad_format');
    const otherVersion = Buffer.from(ct);
    otherVersion.writeUInt32BE(2, 1);
    expect(await code(open(otherVersion))).toBe('tampered');
  });

  it('rejects a ciphertext moved to another row, field, subject or workspace', async () => {
    const ct = await t.db.withWorkspace(ws, (trx) => vault.sealJson(trx, target(), value));
    const open = (over: Partial<SealTarget>) => t.db.withWorkspace(ws, (trx) => vault.open(trx, target(over), ct));
    expect(await code(open({ rowId: randomUUID() }))).toBe('tampered');
    expect(await code(open({ column: 'notes' }))).toBe('tampered');
    expect(await code(open({ table: 'companies' }))).toBe('tampered');
    expect(await code(open({ subjectId: bob }))).toBe('tampered');
    // In another workspace, RLS hides Alice's key altogether.
    const elsewhere = t.db.withWorkspace(other, (trx) => vault.open(trx, target({ workspaceId: other }), ct));
    expect(await code(elsewhere)).toBe('unknown_key');
  });

  it('rejects an older version of the same field (rollback)', async () => {
    const v1 = await t.db.withWorkspace(ws, (trx) => vault.sealJson(trx, target({ recordVersion: 1 }), { n: 'old' }));
    const v2 = await t.db.withWorkspace(ws, (trx) => vault.sealJson(trx, target({ recordVersion: 2 }), { n: 'new' }));
    const at2 = (c: Buffer) => t.db.withWorkspace(ws, (trx) => vault.openJson(trx, target({ recordVersion: 2 }), c));
    expect(await at2(v2)).toEqual({ n: 'new' });
    expect(await code(at2(v1))).toBe('tampered');
  });

  it('seals data of no person under the workspace data key', async () => {
    const tg = target({ subjectId: null, table: 'settings', rowId: ws, column: 'smtp_password' });
    const ct = await t.db.withWorkspace(ws, (trx) => vault.seal(trx, tg, 'hunter2'));
    expect((await t.db.withWorkspace(ws, (trx) => vault.open(trx, tg, ct))).toString()).toBe('hunter2');
    await expect(t.db.withWorkspace(ws, (trx) => vault.shredSubject(trx, ws, ws))).rejects.toThrow(/not a subject key/);
  });

  it('offers a synchronous bulk path over keys fetched once', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const created = await t.db.withWorkspace(ws, (trx) => vault.createSubjectKeys(trx, ws, ids));
    const sealed = ids.map((id) => sealWithKey(created.get(id)!, target({ subjectId: id, rowId: id }), `v-${id}`));
    const cold = new Vault(vault.keyring);
    const keys = await t.db.withWorkspace(ws, (trx) => cold.getSubjectKeys(trx, ws, ids));
    ids.forEach((id, i) => {
      expect(openWithKey(keys.get(id)!, target({ subjectId: id, rowId: id }), sealed[i]!).toString()).toBe(`v-${id}`);
    });
    expect(() => sealWithKey(keys.get(ids[0]!)!, target({ subjectId: ids[1]! }), 'x')).toThrow(/does not belong/);
  });

  it('rejects a wrapped subject key swapped onto another subject (insider)', async () => {
    const s1 = randomUUID();
    const s2 = randomUUID();
    await t.db.withWorkspace(ws, (trx) => vault.createSubjectKeys(trx, ws, [s1, s2]));
    const ct = await t.db.withWorkspace(ws, (trx) => vault.seal(trx, target({ subjectId: s2 }), 'x'));
    await asOwner(t, `update subject_keys set wrapped = (select wrapped from subject_keys where subject_id = $1) where subject_id = $2`, [s1, s2]);
    const cold = new Vault(vault.keyring);
    expect(await code(t.db.withWorkspace(ws, (trx) => cold.open(trx, target({ subjectId: s2 }), ct)))).toBe('tampered');
  });
});

describe('Vault blind indexes', () => {
  it('is deterministic per workspace and index, truncated to the width asked', async () => {
    const [a1, a2, b1, c1, wide] = await t.db.withWorkspace(ws, async (trx) => [
      await vault.blindIndex(trx, ws, 'email', 'alice@example.org'),
      await vault.blindIndex(trx, ws, 'email', 'alice@example.org'),
      await vault.blindIndex(trx, ws, 'email', 'bob@example.org'),
      await vault.blindIndex(trx, ws, 'phone', 'alice@example.org'),
      await vault.blindIndex(trx, ws, 'token', 'ali', 20),
    ]);
    expect(a1.length).toBe(4);
    expect(a1.equals(a2)).toBe(true);
    expect(a1.equals(b1)).toBe(false);
    expect(a1.equals(c1)).toBe(false);
    expect(wide.length).toBe(3);
    expect(wide[2]! & 0x0f).toBe(0);
    const elsewhere = await t.db.withWorkspace(other, (trx) => vault.blindIndex(trx, other, 'email', 'alice@example.org'));
    expect(elsewhere.equals(a1)).toBe(false);
    const cands = await t.db.withWorkspace(ws, (trx) => vault.blindIndexCandidates(trx, ws, 'email', 'alice@example.org'));
    expect(cands).toEqual([a1]);
    const h = await t.db.withWorkspace(ws, (trx) => vault.keyedHash(trx, ws, 'ip', '192.0.2.1'));
    expect(h.length).toBe(32);
  });
});

describe('Vault crypto-shredding', () => {
  it('makes the subject unreadable for good, lists the id in the db and the file, and refuses a new key', async () => {
    const carol = randomUUID();
    await t.db.withWorkspace(ws, (trx) => vault.createSubjectKey(trx, ws, carol));
    const tg = target({ subjectId: carol, rowId: carol });
    const ct = await t.db.withWorkspace(ws, (trx) => vault.seal(trx, tg, 'carol@example.org'));
    await t.db.withWorkspace(ws, (trx) => vault.shredSubject(trx, ws, carol));
    expect(await code(t.db.withWorkspace(ws, (trx) => vault.open(trx, tg, ct)))).toBe('shredded');
    expect(await code(t.db.withWorkspace(ws, (trx) => new Vault(vault.keyring).open(trx, tg, ct)))).toBe('shredded');
    const rows = await asOwner<{ n: number }>(t, 'select count(*)::int as n from subject_keys where subject_id = $1', [carol]);
    expect(rows[0]?.n).toBe(0);
    const listed = await asOwner(t, 'select subject_id from forgotten_subjects where subject_id = $1', [carol]);
    expect(listed).toHaveLength(1);
    const file = path.join(keyDir, 'forget-list.tsv');
    expect(fs.readFileSync(file, 'utf8')).toContain(`\t${ws}\t${carol}`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await expect(t.db.withWorkspace(ws, (trx) => vault.createSubjectKey(trx, ws, carol))).rejects.toThrow(/forget list/);
  });

  it('honours a shred by another process once its cached key expires (the TTL bound)', async () => {
    const dave = randomUUID();
    await t.db.withWorkspace(ws, (trx) => vault.createSubjectKey(trx, ws, dave));
    const tg = target({ subjectId: dave, rowId: dave });
    const ct = await t.db.withWorkspace(ws, (trx) => vault.seal(trx, tg, 'dave'));
    const processOne = new Vault(vault.keyring, { ttlMs: 300 });
    expect((await t.db.withWorkspace(ws, (trx) => processOne.open(trx, tg, ct))).toString()).toBe('dave');
    await t.db.withWorkspace(ws, (trx) => vault.shredSubject(trx, ws, dave)); // "process two"
    expect((await t.db.withWorkspace(ws, (trx) => processOne.open(trx, tg, ct))).toString()).toBe('dave');
    await new Promise((r) => setTimeout(r, 350));
    expect(await code(t.db.withWorkspace(ws, (trx) => processOne.open(trx, tg, ct)))).toBe('shredded');
  });
});

