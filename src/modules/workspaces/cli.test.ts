import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../platform/audit/record.js';
import { AppError } from '../../platform/errors.js';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { testConfig } from '../../../test/helpers/app.js';
import { PASSWORD_FLAG_WARNING, registerWorkspaceCommands, workspaceCreateCommand, type CliIo } from './cli.js';
import { loadVault } from '../../context.js';
import type { WorkspaceDeps } from './service.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-cli-'));
const PASSWORD = 'a long enough passphrase';

function captureIo(stdin: string[] = []): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: Readable.from(stdin.map((s) => Buffer.from(s))),
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    out,
    err,
  };
}

describe('confidant workspace create', () => {
  let t: TestDatabase;
  let deps: WorkspaceDeps;

  beforeAll(async () => {
    t = await createTestDatabase();
    const config = { ...testConfig(t), keys: { dir: path.join(tmp, 'keys'), inline: undefined, dirIsDefault: false } };
    deps = { db: t.db, vault: await loadVault(config, () => {}), recordAudit };
  });
  afterAll(async () => {
    await t.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reads the password from a file, without its final newline', async () => {
    const file = path.join(tmp, 'pw');
    fs.writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
    const io = captureIo();
    const r = await workspaceCreateCommand({ name: 'File Co', slug: 'file-co', ownerEmail: 'a@file.example', ownerPasswordFile: file, deps, io });
    expect(r.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(io.err).toEqual([]);
    const [user] = await asOwner<{ id: string; workspace_id: string; role: string }>(t, 'select id, workspace_id, role from users where id = $1', [r.ownerUserId]);
    expect(user).toEqual({ id: r.ownerUserId, workspace_id: r.workspaceId, role: 'owner' });
    const events = await asOwner<{ action: string; actor_type: string; actor_id: string | null }>(
      t,
      'select action, actor_type, actor_id from audit_events where workspace_id = $1',
      [r.workspaceId],
    );
    // The operator created it, not the owner (who has not signed in yet).
    expect(events).toEqual([{ action: 'workspace.created', actor_type: 'operator', actor_id: null }]);
  });

  it('reads the password from stdin with -', async () => {
    const io = captureIo([PASSWORD.slice(0, 10), `${PASSWORD.slice(10)}\r\n`]);
    const r = await workspaceCreateCommand({ name: 'Stdin Co', slug: 'stdin-co', ownerEmail: 'a@stdin.example', ownerPasswordFile: '-', deps, io });
    expect(r.ownerUserId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('warns on stderr when the password is on the command line, and prints JSON with --json', async () => {
    const io = captureIo();
    const program = new Command('confidant').exitOverride();
    registerWorkspaceCommands(program, async () => ({ deps, close: async () => {} }), io);
    await program.parseAsync(
      ['workspace', 'create', '--name', 'Flag Co', '--slug', 'flag-co', '--owner-email', 'a@flag.example', '--owner-password', PASSWORD, '--json'],
      { from: 'user' },
    );
    expect(io.err).toEqual([PASSWORD_FLAG_WARNING]);
    expect(io.out).toHaveLength(1);
    const printed = JSON.parse(io.out[0]!) as Record<string, string>;
    expect(Object.keys(printed).sort()).toEqual(['ownerUserId', 'workspaceId']);
    const ws = await asOwner<{ slug: string }>(t, 'select slug from workspaces where id = $1', [printed.workspaceId]);
    expect(ws).toEqual([{ slug: 'flag-co' }]);
  });

  it('answers a taken slug with a 409 problem and a short password with 422 naming the field', async () => {
    const io = captureIo();
    const taken = workspaceCreateCommand({ name: 'Again', slug: 'file-co', ownerEmail: 'b@file.example', ownerPassword: PASSWORD, deps, io });
    await expect(taken).rejects.toMatchObject({ status: 409, problem: 'slug-taken' });
    const weak = workspaceCreateCommand({ name: 'Weak', slug: 'weak', ownerEmail: 'b@weak.example', ownerPassword: 'short', deps, io });
    await expect(weak).rejects.toBeInstanceOf(AppError);
    await expect(weak).rejects.toMatchObject({ status: 422, errors: [{ path: 'ownerPassword' }] });
    expect(await asOwner(t, `select 1 from workspaces where slug in ('weak')`)).toEqual([]);
  });

  it('turns a problem into a readable CLI error and refuses two password sources', async () => {
    const io = captureIo();
    const program = new Command('confidant').exitOverride();
    registerWorkspaceCommands(program, async () => ({ deps, close: async () => {} }), io);
    const run = (args: string[]) => program.parseAsync(['workspace', 'create', ...args], { from: 'user' });
    await expect(run(['--name', 'X', '--slug', 'BAD SLUG', '--owner-email', 'x@x.example', '--owner-password-file', '-'])).rejects.toThrow(
      /slug: Use 1 to 63/,
    );
    await expect(
      run(['--name', 'X', '--slug', 'x', '--owner-email', 'x@x.example', '--owner-password', PASSWORD, '--owner-password-file', '/nonexistent']),
    ).rejects.toThrow(/either --owner-password-file or --owner-password/);
  });
});
