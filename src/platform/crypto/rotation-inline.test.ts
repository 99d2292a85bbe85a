import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { Keyring } from './keyring.js';
import { destroyExpiredMasterKeys, rotateKeys } from './rotation.js';
import { Vault, type SealTarget } from './vault.js';

let t: TestDatabase;
let root: string;
const ws = randomUUID();
const person = randomUUID();
const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const purpose = randomBytes(32).toString('base64');
const target: SealTarget = { workspaceId: ws, subjectId: person, table: 'contacts', rowId: person, column: 'record', recordVersion: 1 };

const load = (inline: string, warn: (m: string) => void = () => {}) =>
  Keyring.load({ dir: path.join(root, 'keys'), dataDir: path.join(root, 'data'), inline, warn });

beforeAll(async () => {
  t = await createTestDatabase();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-inline-'));
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('rotation with operator-injected keys (CONFIDANT_MASTER_KEYS)', () => {
  it('asks the operator for the next key, then rotates to it after a restart', async () => {
    const ring1 = await load(`1:${k1},purpose:${purpose}`);
    const vault1 = new Vault(ring1);
    const ct = await t.db.withWorkspace(ws, async (trx) => {
      await sql`insert into workspaces (id, slug, name) values (${ws}, 'inline', 'inline')`.execute(trx);
      await vault1.createWorkspaceKeys(trx, ws);
      await vault1.createSubjectKey(trx, ws, person);
      return vault1.seal(trx, target, 'inline person');
    });
    await expect(rotateKeys({ db: t.db, keyring: ring1, vault: vault1, now: new Date() })).rejects.toThrow(
      /add the next epoch there \(2:<base64/,
    );

    const ring2 = await load(`1:${k1},2:${k2},purpose:${purpose}`);
    const vault2 = new Vault(ring2);
    const r = await rotateKeys({ db: t.db, keyring: ring2, vault: vault2, now: new Date('2030-01-01T00:00:00Z') });
    expect(r).toEqual({ epoch: 2, workspaces: 1, subjectKeysRewrapped: 2 });
    expect(ring2.purposeKey('audit-checkpoint').equals(ring1.purposeKey('audit-checkpoint'))).toBe(true);

    // Epoch 1 is no longer needed: a ring without it still reads everything.
    const warnings: string[] = [];
    const ring2only = await load(`2:${k2},purpose:${purpose}`);
    expect((await t.db.withWorkspace(ws, (trx) => new Vault(ring2only).open(trx, target, ct))).toString()).toBe('inline person');
    const ringWarn = await load(`1:${k1},2:${k2},purpose:${purpose}`, (m) => warnings.push(m));
    expect(await destroyExpiredMasterKeys(ringWarn, new Date('2030-03-01T00:00:00Z'), 35)).toEqual([]);
    expect(warnings.some((w) => w.includes('epoch 1') && w.includes('CONFIDANT_MASTER_KEYS'))).toBe(true);
  });
});
