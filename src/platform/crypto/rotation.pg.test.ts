import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { Keyring } from './keyring.js';
import { rotateKeys } from './rotation.js';
import { Vault } from './vault.js';

// Concurrency needs real connections: PostgreSQL only.
let t: TestDatabase;
let root: string;
let vault: Vault;
const ws = randomUUID();

beforeAll(async () => {
  t = await createTestDatabase();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-rotpg-'));
  vault = new Vault(await Keyring.load({ dir: path.join(root, 'k'), dataDir: path.join(root, 'd'), warn: () => {} }));
  await asOwner(t, `create table crypto_pg_idx (workspace_id uuid not null, id uuid not null, value text not null,
    bidx bytea not null, primary key (workspace_id, id))`);
  await asOwner(t, `select confidant_enable_tenancy('crypto_pg_idx')`);
  await t.db.withWorkspace(ws, async (trx) => {
    await sql`insert into workspaces (id, slug, name) values (${ws}, 'pg-rot', 'r')`.execute(trx);
    await vault.createWorkspaceKeys(trx, ws);
  });
  vault.registerReindexer('pg-idx', async (trx, w) => {
    const rows = await sql<{ id: string; value: string }>`select id, value from crypto_pg_idx where workspace_id = ${w}`.execute(trx);
    for (const r of rows.rows) {
      const bidx = await vault.blindIndex(trx, w, 'v', r.value);
      await sql`update crypto_pg_idx set bidx = ${bidx} where workspace_id = ${w} and id = ${r.id}`.execute(trx);
    }
  });
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('rotation against a concurrent writer', () => {
  it('waits for a writer that computed an old-version index, then re-indexes its row', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let indexed!: () => void;
    const computed = new Promise<void>((r) => (indexed = r));
    const id = randomUUID();
    const writer = t.db.withWorkspace(ws, async (trx) => {
      const bidx = await vault.blindIndex(trx, ws, 'v', 'late@writer.example'); // epoch 1, locked for key share
      indexed();
      await gate;
      await sql`insert into crypto_pg_idx (workspace_id, id, value, bidx) values (${ws}, ${id}, 'late@writer.example', ${bidx})`.execute(trx);
    });
    await computed;
    let rotated = false;
    const rotation = rotateKeys({ db: t.db, keyring: vault.keyring, vault, now: new Date() }).then((r) => {
      rotated = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(rotated).toBe(false); // held at the barrier by the writer
    release();
    await writer;
    expect((await rotation).epoch).toBe(2);
    const found = await t.db.withWorkspace(ws, async (trx) => {
      const cands = await vault.blindIndexCandidates(trx, ws, 'v', 'late@writer.example');
      const r = await sql<{ id: string }>`select id from crypto_pg_idx where bidx = any(${cands}::bytea[])`.execute(trx);
      return r.rows.map((x) => x.id);
    });
    expect(found).toEqual([id]);
  });
});
