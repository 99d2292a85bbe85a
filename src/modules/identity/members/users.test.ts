import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../platform/audit/record.js';
import type { Vault } from '../../../platform/crypto/index.js';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.js';
import { testConfig } from '../../../../test/helpers/app.js';
import { loadVault } from '../../../context.js';
import { createWorkspace } from '../../workspaces/index.js';
import { createUser, findUserByEmail, normalizeEmail, reindexUserEmails, verifyPassword } from './users.js';

const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-users-keys-'));
const PASSWORD = 'twelve chars or more';

describe('users', () => {
  let t: TestDatabase;
  let vault: Vault;
  let ws: string;
  let other: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    vault = await loadVault({ ...testConfig(t), keys: { dir: keysDir, inline: undefined, dirIsDefault: false } }, () => {});
    const deps = { db: t.db, vault, recordAudit };
    const now = new Date('2026-01-02T03:04:05Z');
    ws = (await createWorkspace(deps, { name: 'A', slug: 'users-a', ownerEmail: 'owner@a.example', ownerPassword: PASSWORD, now })).workspaceId;
    other = (await createWorkspace(deps, { name: 'B', slug: 'users-b', ownerEmail: 'owner@a.example', ownerPassword: PASSWORD, now })).workspaceId;
  });
  afterAll(async () => {
    await t.drop();
    fs.rmSync(keysDir, { recursive: true, force: true });
  });

  it('normalizes emails as API.md says: trim, NFC, lower-case, nothing provider-specific', () => {
    expect(normalizeEmail('  Jos\u0065\u0301.Smith+crm@GMail.COM ')).toBe('jos\u00e9.smith+crm@gmail.com');
  });

  it('finds a member by email in any case, only within its workspace', async () => {
    const found = await t.db.withWorkspace(ws, (trx) => findUserByEmail(trx, vault, ws, ' OWNER@a.example'));
    expect(found?.role).toBe('owner');
    const elsewhere = await t.db.withWorkspace(other, (trx) => findUserByEmail(trx, vault, other, 'owner@a.example'));
    expect(elsewhere?.id).toBeDefined();
    expect(elsewhere?.id).not.toBe(found?.id);
    expect(await t.db.withWorkspace(ws, (trx) => findUserByEmail(trx, vault, ws, 'nobody@a.example'))).toBeNull();
  });

  it('refuses a second member with the same email (422 on the field) and a short password', async () => {
    const now = new Date();
    const dup = t.db.withWorkspace(ws, (trx) => createUser(trx, vault, { workspaceId: ws, email: 'Owner@A.example', password: PASSWORD, role: 'sales', now }));
    await expect(dup).rejects.toMatchObject({ status: 422, errors: [{ path: 'email' }] });
    const weak = t.db.withWorkspace(ws, (trx) => createUser(trx, vault, { workspaceId: ws, email: 'new@a.example', password: 'elevenchars', role: 'sales', now }));
    await expect(weak).rejects.toMatchObject({ status: 422, errors: [{ path: 'password' }] });
  });

  it('stores the email sealed and the password as argon2id that verifies', async () => {
    const now = new Date();
    const u = await t.db.withWorkspace(ws, (trx) => createUser(trx, vault, { workspaceId: ws, email: 'sales@a.example', password: PASSWORD, role: 'sales', now }));
    const [row] = await asOwner<{ email_ciphertext: Buffer; email_bidx: Buffer; password_hash: string }>(
      t,
      'select email_ciphertext, email_bidx, password_hash from users where id = $1',
      [u.id],
    );
    expect(Buffer.from(row!.email_ciphertext).includes(Buffer.from('sales@a.example'))).toBe(false);
    expect(Buffer.from(row!.email_bidx)).toHaveLength(4);
    expect(await verifyPassword(row!.password_hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(row!.password_hash, `${PASSWORD}!`)).toBe(false);
  });

  it('re-derives the email index after its key changes (the rotation hook)', async () => {
    await asOwner(t, `update users set email_bidx = '\\x00000000'::bytea where workspace_id = $1`, [ws]);
    expect(await t.db.withWorkspace(ws, (trx) => findUserByEmail(trx, vault, ws, 'sales@a.example'))).toBeNull();
    const n = await t.db.withWorkspace(ws, (trx) => reindexUserEmails(trx, vault, ws));
    expect(n).toBe(2);
    expect(await t.db.withWorkspace(ws, (trx) => findUserByEmail(trx, vault, ws, 'sales@a.example'))).not.toBeNull();
  });
});
