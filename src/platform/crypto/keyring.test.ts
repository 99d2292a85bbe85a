import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DecryptionError } from './envelope.js';
import { Keyring } from './keyring.js';
import { destroyExpiredMasterKeys } from './rotation.js';

const tmpDirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-keys-'));
  tmpDirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const b64 = () => randomBytes(32).toString('base64');

describe('Keyring (key directory)', () => {
  it('creates the directory 0700 with 0600 key files, and warns once', async () => {
    const root = tmp();
    const dir = path.join(root, 'keys');
    const warnings: string[] = [];
    const ring = await Keyring.load({ dir, dataDir: path.join(root, 'data'), warn: (m) => warnings.push(m) });
    expect(mode(dir)).toBe(0o700);
    expect(ring.currentEpoch()).toBe(1);
    const files = fs.readdirSync(dir);
    expect(files).toContain('master-1.key');
    for (const f of files) expect(mode(path.join(dir, f))).toBe(0o600);
    expect(warnings.some((w) => w.includes('created the key directory'))).toBe(true);
    ring.purposeKey('audit-checkpoint');
    expect(mode(path.join(dir, 'purpose-audit-checkpoint.key'))).toBe(0o600);

    const again: string[] = [];
    const reloaded = await Keyring.load({ dir, dataDir: path.join(root, 'data'), warn: (m) => again.push(m) });
    expect(again).toEqual([]);
    expect(reloaded.masterKey(1).equals(ring.masterKey(1))).toBe(true);
  });

  it('warns when the key directory sits inside the data directory', async () => {
    const root = tmp();
    const warnings: string[] = [];
    await Keyring.load({ dir: path.join(root, 'data', 'keys'), dataDir: path.join(root, 'data'), warn: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes('inside the data directory'))).toBe(true);
  });

  it('keeps purpose keys stable across epochs and reloads', async () => {
    const root = tmp();
    const opts = { dir: path.join(root, 'k'), dataDir: path.join(root, 'd'), warn: () => {} };
    const ring = await Keyring.load(opts);
    const p = ring.purposeKey('audit-checkpoint');
    expect(p.length).toBe(32);
    await ring.addEpoch();
    expect((await Keyring.load(opts)).purposeKey('audit-checkpoint').equals(p)).toBe(true);
    expect(ring.purposeKey('other').equals(p)).toBe(false);
  });

  it('destroys a retired master key only after the backup retention, removing its file', async () => {
    const root = tmp();
    const dir = path.join(root, 'k');
    const ring = await Keyring.load({ dir, dataDir: path.join(root, 'd'), warn: () => {} });
    expect(await ring.addEpoch()).toBe(2);
    expect(Math.abs(ring.currentEpochCreatedAt()!.getTime() - Date.now())).toBeLessThan(60_000);
    const retiredAt = new Date('2030-01-01T00:00:00Z');
    ring.retireEpochsBelow(2, retiredAt);
    expect(await destroyExpiredMasterKeys(ring, new Date('2030-02-04T00:00:00Z'), 35)).toEqual([]);
    expect(ring.masterKey(1).length).toBe(32);
    expect(await destroyExpiredMasterKeys(ring, new Date('2030-02-05T00:00:00Z'), 35)).toEqual([1]);
    expect(fs.existsSync(path.join(dir, 'master-1.key'))).toBe(false);
    expect(() => ring.masterKey(1)).toThrow(expect.objectContaining({ code: 'unknown_key' }) as Error);
    const reloaded = await Keyring.load({ dir, dataDir: path.join(root, 'd'), warn: () => {} });
    expect(reloaded.epochs()).toEqual([2]);
    expect(() => reloaded.masterKey(1)).toThrow(DecryptionError);
  });

  it('sees an epoch added by another process (the CLI) without a restart', async () => {
    const root = tmp();
    const opts = { dir: path.join(root, 'k'), dataDir: path.join(root, 'd'), warn: () => {} };
    const server = await Keyring.load(opts);
    const cli = await Keyring.load(opts);
    await cli.addEpoch();
    expect(server.masterKey(2).equals(cli.masterKey(2))).toBe(true);
  });
});

describe('Keyring (inline CONFIDANT_MASTER_KEYS)', () => {
  it('uses the highest epoch given and refuses to invent the next one', async () => {
    const root = tmp();
    const k1 = b64();
    const k2 = b64();
    const ring = await Keyring.load({
      dir: path.join(root, 'k'),
      dataDir: path.join(root, 'd'),
      inline: `1:${k1},2:${k2},purpose:${b64()}`,
      warn: () => {},
    });
    expect(ring.currentEpoch()).toBe(2);
    expect(ring.masterKey(1).toString('base64')).toBe(k1);
    expect(fs.readdirSync(path.join(root, 'k')).filter((f) => f.startsWith('master-'))).toEqual([]);
    await expect(ring.addEpoch()).rejects.toThrow(/CONFIDANT_MASTER_KEYS.*3:<base64/);
  });

  it('rejects malformed entries and warns without a purpose entry', async () => {
    const root = tmp();
    const base = { dir: path.join(root, 'k'), dataDir: path.join(root, 'd') };
    await expect(Keyring.load({ ...base, inline: '1:c2hvcnQ=', warn: () => {} })).rejects.toThrow(/32 bytes/);
    await expect(Keyring.load({ ...base, inline: `x:${b64()}`, warn: () => {} })).rejects.toThrow(/entries are/);
    const warnings: string[] = [];
    const ring = await Keyring.load({ ...base, inline: `1:${b64()}`, warn: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes('no purpose:<base64> entry'))).toBe(true);
    expect(ring.purposeKey('audit-checkpoint').length).toBe(32);
  });

  it('only tells the operator which inline keys to remove once expired', async () => {
    const root = tmp();
    const warnings: string[] = [];
    const ring = await Keyring.load({
      dir: path.join(root, 'k'),
      dataDir: path.join(root, 'd'),
      inline: `1:${b64()},2:${b64()},purpose:${b64()}`,
      warn: (m) => warnings.push(m),
    });
    ring.retireEpochsBelow(2, new Date('2030-01-01T00:00:00Z'));
    expect(await destroyExpiredMasterKeys(ring, new Date('2031-01-01T00:00:00Z'), 35)).toEqual([]);
    expect(warnings.some((w) => w.includes('epoch 1') && w.includes('remove it'))).toBe(true);
    expect(ring.masterKey(1).length).toBe(32);
  });
});
