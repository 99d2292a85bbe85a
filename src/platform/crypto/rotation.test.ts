import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import type { Trx } from '../db/database.js';
import { deriveKey, encodeAad, gcmOpen } from './envelope.js';
import { Keyring } from './keyring.js';
import { destroyExpiredMasterKeys, replayForgetList, rotateKeys } from './rotation.js';
import { DecryptionError, Vault, type SealTarget } from './vault.js';

let t: TestDatabase;
let root: string;
let keyring: Keyring;
let vault: Vault;
const wsA = randomUUID();
const wsB = randomUUID();
const RETENTION = 35;
const DAY = 86_400_000;

interface Person {
  ws: string;
  id: string;
  email: string;
}
const people: Person[] = [];

const tgt = (p: Person): SealTarget => ({
  workspaceId: p.ws,
  subjectId: p.id,
  table: 'crypto_test_people',
  rowId: p.id,
  column: 'email',
  recordVersion: 1,
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

/** A module-like table with a sealed email and its blind index, re-indexed in a rotation. */
async function reindexPeople(trx: Trx, ws: string): Promise<void> {
  const rows = await sql<{ id: string; email_ct: Buffer }>`select id, email_ct from crypto_test_people
    where workspace_id = ${ws}`.execute(trx);
  for (const r of rows.rows) {
    const email = (await vault.open(trx, tgt({ ws, id: r.id, email: '' }), r.email_ct)).toString();
    const bidx = await vault.blindIndex(trx, ws, 'email', email);
    await sql`update crypto_test_people set email_bidx = ${bidx} where workspace_id = ${ws} and id = ${r.id}`.execute(trx);
  }
}

async function addPerson(ws: string, email: string): Promise<Person> {
  const p = { ws, id: randomUUID(), email };
  await t.db.withWorkspace(ws, async (trx) => {
    await vault.createSubjectKey(trx, ws, p.id);
    const ct = await vault.seal(trx, tgt(p), email);
    const bidx = await vault.blindIndex(trx, ws, 'email', email);
    await sql`insert into crypto_test_people (workspace_id, id, email_ct, email_bidx)
      values (${ws}, ${p.id}, ${ct}, ${bidx})`.execute(trx);
  });
  people.push(p);
  return p;
}

async function findByEmail(ws: string, email: string): Promise<string[]> {
  return t.db.withWorkspace(ws, async (trx) => {
    const cands = await vault.blindIndexCandidates(trx, ws, 'email', email);
    const r = await sql<{ id: string; email_ct: Buffer }>`select id, email_ct from crypto_test_people
      where workspace_id = ${ws} and email_bidx = any(${cands}::bytea[])`.execute(trx);
    const out: string[] = [];
    for (const row of r.rows) {
      const plain = (await vault.open(trx, tgt({ ws, id: row.id, email }), row.email_ct)).toString();
      if (plain === email) out.push(row.id); // candidates are re-checked after decryption
    }
    return out;
  });
}

async function readAll(): Promise<void> {
  for (const p of people) {
    const ct = await asOwner<{ email_ct: Buffer }>(t, 'select email_ct from crypto_test_people where id = $1', [p.id]);
    const plain = await t.db.withWorkspace(p.ws, (trx) => new Vault(keyring).open(trx, tgt(p), ct[0]!.email_ct));
    expect(plain.toString()).toBe(p.email);
    expect(await findByEmail(p.ws, p.email)).toEqual([p.id]);
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-rot-'));
  keyring = await Keyring.load({ dir: path.join(root, 'keys'), dataDir: path.join(root, 'data'), warn: () => {} });
  vault = new Vault(keyring);
  vault.registerReindexer('people', reindexPeople);
  await asOwner(t, `create table crypto_test_people (workspace_id uuid not null, id uuid not null,
    email_ct bytea not null, email_bidx bytea not null, primary key (workspace_id, id))`);
  await asOwner(t, `select confidant_enable_tenancy('crypto_test_people')`);
  for (const ws of [wsA, wsB]) {
    await t.db.withWorkspace(ws, async (trx) => {
      await sql`insert into workspaces (id, slug, name) values (${ws}, ${`r-${ws.slice(0, 8)}`}, 'r')`.execute(trx);
      await vault.createWorkspaceKeys(trx, ws);
    });
    for (let i = 0; i < 5; i++) await addPerson(ws, `p${i}@${ws.slice(0, 4)}.example`);
  }
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('rotateKeys', () => {
  it('gives every workspace a new key, re-wraps every subject key, keeps all readable and searchable', async () => {
    const before = await asOwner<{ id: string; email_ct: Buffer }>(t, 'select id, email_ct from crypto_test_people order by id');
    const oldRoots = await asOwner<{ wrapped: Buffer }>(t, 'select wrapped from workspace_keys');
    const r = await rotateKeys({ db: t.db, keyring, vault, now: new Date() });
    expect(r).toEqual({ epoch: 2, workspaces: 2, subjectKeysRewrapped: 12 }); // 10 people + 2 workspace data keys
    const versions = await asOwner<{ version: number }>(t, 'select distinct version from workspace_keys');
    expect(versions).toEqual([{ version: 2 }]);
    const wsVersions = await asOwner<{ ws_version: number }>(t, 'select distinct ws_version from subject_keys');
    expect(wsVersions).toEqual([{ ws_version: 2 }]);
    const after = await asOwner<{ id: string; email_ct: Buffer }>(t, 'select id, email_ct from crypto_test_people order by id');
    expect(after).toEqual(before); // field ciphertext is never rewritten
    expect(oldRoots).toHaveLength(2);
    await readAll();
  });

  it('reads both index versions while a rotation runs, and resumes after a crash', async () => {
    const p = people[0]!;
    const epoch = await keyring.addEpoch(); // the crashed run got this far ...
    await t.db.withWorkspace(p.ws, (trx) => vault.ensureWorkspaceKey(trx, p.ws, epoch));
    await t.db.withWorkspace(p.ws, (trx) => vault.rewrapBatch(trx, p.ws, epoch, 2)); // ... and one batch
    const cands = await t.db.withWorkspace(p.ws, (trx) => vault.blindIndexCandidates(trx, p.ws, 'email', p.email));
    expect(cands).toHaveLength(2);
    expect(await findByEmail(p.ws, p.email)).toEqual([p.id]); // stored index is the old version
    const fresh = await addPerson(p.ws, 'during@rotation.example'); // written under the new version
    expect(await findByEmail(p.ws, fresh.email)).toEqual([fresh.id]);

    const r = await rotateKeys({ db: t.db, keyring, vault, now: new Date() });
    expect(r.epoch).toBe(epoch); // finished the same rotation, no new epoch
    expect(keyring.currentEpoch()).toBe(epoch);
    const remaining = await asOwner<{ version: number }>(t, 'select distinct version from workspace_keys');
    expect(remaining).toEqual([{ version: epoch }]);
    const cands2 = await t.db.withWorkspace(p.ws, (trx) => vault.blindIndexCandidates(trx, p.ws, 'email', p.email));
    expect(cands2).toHaveLength(1);
    expect(cands.some((c) => c.equals(cands2[0]!))).toBe(true);
    await readAll();
  });
});

describe('an old backup and today’s key ring (THREATS G)', () => {
  it('cannot read an erased person once the old epoch is destroyed, even restored into the live database', async () => {
    const dan = await addPerson(wsA, 'dan@erased.example');
    const danCt = (await asOwner<{ email_ct: Buffer }>(t, 'select email_ct from crypto_test_people where id = $1', [dan.id]))[0]!.email_ct;
    const oldBidx = await t.db.withWorkspace(wsA, (trx) => vault.blindIndex(trx, wsA, 'email', dan.email));
    // The "dump": wrapped-key rows as they were before the erasure.
    const dumpWs = await asOwner<{ workspace_id: string; version: number; wrapped: Buffer }>(t, 'select workspace_id, version, wrapped from workspace_keys');
    const dumpDan = (await asOwner<{ ws_version: number; wrapped: Buffer }>(t, 'select ws_version, wrapped from subject_keys where subject_id = $1', [dan.id]))[0]!;
    const backupEpoch = keyring.currentEpoch();

    await t.db.withWorkspace(wsA, async (trx) => {
      await vault.shredSubject(trx, wsA, dan.id);
      await sql`delete from crypto_test_people where workspace_id = ${wsA} and id = ${dan.id}`.execute(trx); // then the rows go
    });
    people.splice(people.indexOf(dan), 1);
    const now = new Date();
    await rotateKeys({ db: t.db, keyring, vault, now });

    const restore = async () => {
      for (const w of dumpWs) {
        await asOwner(t, 'insert into workspace_keys (workspace_id, version, wrapped) values ($1, $2, $3) on conflict do nothing', [w.workspace_id, w.version, w.wrapped]);
      }
      await asOwner(t, 'insert into subject_keys (workspace_id, subject_id, ws_version, wrapped) values ($1, $2, $3, $4) on conflict do nothing', [wsA, dan.id, dumpDan.ws_version, dumpDan.wrapped]);
      await asOwner(t, 'delete from forgotten_subjects where subject_id = $1', [dan.id]); // an older dump lacks it
    };
    const unrestore = async () => {
      await asOwner(t, 'delete from subject_keys where subject_id = $1', [dan.id]);
      await asOwner(t, 'delete from workspace_keys where version = $1', [backupEpoch]);
      await asOwner(t, 'insert into forgotten_subjects (workspace_id, subject_id) values ($1, $2)', [wsA, dan.id]);
    };
    const openDan = () => t.db.withWorkspace(wsA, (trx) => new Vault(keyring).open(trx, tgt(dan), danCt));

    // Before the old epoch is destroyed the attack works: that is why it must be destroyed.
    await restore();
    expect((await openDan()).toString()).toBe(dan.email);
    const later = new Date(now.getTime() + (RETENTION + 1) * DAY);
    // While a workspace key still uses the epoch, a destroy given the database keeps it.
    expect(await destroyExpiredMasterKeys(keyring, later, RETENTION, t.db)).not.toContain(backupEpoch);
    expect(keyring.masterKey(backupEpoch).length).toBe(32);
    await unrestore();

    const destroyed = await destroyExpiredMasterKeys(keyring, later, RETENTION, t.db);
    expect(destroyed).toContain(backupEpoch);

    await restore();
    expect(await code(openDan())).toBe('unknown_key');
    // Pointing the old wrapped key at today's workspace key does not help either.
    await asOwner(t, 'update subject_keys set ws_version = $1 where subject_id = $2', [keyring.currentEpoch(), dan.id]);
    expect(await code(openDan())).toBe('tampered');
    await unrestore();
    expect(await code(openDan())).toBe('shredded');

    // Offline, with every live workspace key unwrapped by today's ring, the old wrapped key stays closed.
    const live = await asOwner<{ workspace_id: string; version: number; wrapped: Buffer }>(t, 'select workspace_id, version, wrapped from workspace_keys');
    for (const w of live) {
      const wsRoot = gcmOpen(deriveKey(keyring.masterKey(w.version), 'wrap/workspace'), w.version, encodeAad(['workspace-key', w.workspace_id, w.version]), w.wrapped);
      const wrapKey = deriveKey(wsRoot, 'wrap/subject');
      expect(() => gcmOpen(wrapKey, dumpDan.ws_version, encodeAad(['subject-key', wsA, dan.id]), dumpDan.wrapped)).toThrow(DecryptionError);
    }
    // Today's index key does not confirm the guessed email against the old index.
    const today = await t.db.withWorkspace(wsA, (trx) => vault.blindIndexCandidates(trx, wsA, 'email', dan.email));
    expect(today.some((c) => c.equals(oldBidx))).toBe(false);
  });

  it('replays the forget list into a restored older database', async () => {
    const erin = await addPerson(wsB, 'erin@erased.example');
    const ct = (await asOwner<{ email_ct: Buffer }>(t, 'select email_ct from crypto_test_people where id = $1', [erin.id]))[0]!.email_ct;
    const dump = (await asOwner<{ ws_version: number; wrapped: Buffer }>(t, 'select ws_version, wrapped from subject_keys where subject_id = $1', [erin.id]))[0]!;
    await t.db.withWorkspace(wsB, (trx) => vault.shredSubject(trx, wsB, erin.id));
    // The restore brings back her key and not the erasure.
    await asOwner(t, 'delete from forgotten_subjects where subject_id = $1', [erin.id]);
    await asOwner(t, 'insert into subject_keys (workspace_id, subject_id, ws_version, wrapped) values ($1, $2, $3, $4)', [wsB, erin.id, dump.ws_version, dump.wrapped]);
    const cold = () => t.db.withWorkspace(wsB, (trx) => new Vault(keyring).open(trx, tgt(erin), ct));
    expect((await cold()).toString()).toBe(erin.email);

    expect(await replayForgetList(t.db, keyring, vault)).toBe(1); // dan is still forgotten, erin again
    expect(await code(cold())).toBe('shredded');
    expect(await replayForgetList(t.db, keyring, vault)).toBe(0);
  });
});
