// The insider (THREATS.md actor F): any SQL, triggers included. Each test
// tampers the way an insider would and shows `verifyAudit` says so.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { chainWorkspace } from './chainer.js';
import { checkpointFile } from './checkpoints.js';
import { KEY, makeWorkspace, record, rewriteChainFrom, tempDir, withGuardOff } from './fixtures.test-helper.js';
import { verifyAudit } from './verify.js';
import { writeCheckpoints } from './write-checkpoints.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const now = new Date('2030-01-01T00:00:00Z');

/** A workspace with `n` chained events and a checkpoint directory of its own. */
async function chained(n: number, checkpoint = false): Promise<{ ws: string; dir: string }> {
  const ws = await makeWorkspace(t);
  const dir = tempDir();
  await record(t, ws, n);
  await chainWorkspace(t.db, ws);
  if (checkpoint) {
    const w = await writeCheckpoints(t.db, { checkpointKey: KEY, checkpointDir: dir, now, workspaceIds: [ws] });
    expect(w.written).toEqual([{ workspaceId: ws, seq: n }]);
  }
  return { ws, dir };
}

const verify = (ws: string, dir: string, key = KEY) =>
  verifyAudit(t.db, { workspaceId: ws, checkpointKey: key, checkpointDir: dir });

describe('an insider with the guard trigger disabled', () => {
  it('edits one event: verify names its seq and id', async () => {
    const { ws, dir } = await chained(10);
    expect(await verify(ws, dir)).toMatchObject({ intact: true, checked: 10 });
    await withGuardOff(t, async () => {
      await asOwner(t, `update audit_events set purpose = 'crm.export' where workspace_id = $1 and seq = 4`, [ws]);
    });
    const v = await verify(ws, dir);
    expect(v).toMatchObject({ intact: false, firstBrokenSeq: 4, checked: 10 });
    const [row] = await asOwner<{ id: number }>(t, `select id from audit_events where workspace_id = $1 and seq = 4`, [ws]);
    expect(v.workspaces[0]?.firstBroken).toEqual({ seq: 4, eventId: String(row?.id), reason: 'hash' });
  });

  it('deletes one event', async () => {
    const { ws, dir } = await chained(10);
    await withGuardOff(t, async () => {
      await asOwner(t, `delete from audit_events where workspace_id = $1 and seq = 6`, [ws]);
    });
    const v = await verify(ws, dir);
    expect(v).toMatchObject({ intact: false, firstBrokenSeq: 6 });
    expect(v.workspaces[0]?.firstBroken?.reason).toBe('missing_or_reordered');
  });

  it('reorders two events (swaps their seq)', async () => {
    const { ws, dir } = await chained(10);
    await withGuardOff(t, async () => {
      // (seq, workspace) is unique: park one event above the head while swapping
      await asOwner(t, `update audit_events set seq = 1000 where workspace_id = $1 and seq = 3`, [ws]);
      await asOwner(t, `update audit_events set seq = 3 where workspace_id = $1 and seq = 7`, [ws]);
      await asOwner(t, `update audit_events set seq = 7 where workspace_id = $1 and seq = 1000`, [ws]);
    });
    const v = await verify(ws, dir);
    expect(v).toMatchObject({ intact: false, firstBrokenSeq: 3 });
  });

  it('rewrites the chain from one event on with correct hashes: only the checkpoint catches it', async () => {
    const { ws, dir } = await chained(12, true);
    await rewriteChainFrom(t, ws, 5);
    const withoutCheckpoints = await verify(ws, tempDir());
    expect(withoutCheckpoints).toMatchObject({ intact: true, checked: 12 });
    const v = await verify(ws, dir);
    expect(v).toMatchObject({ intact: false, firstBrokenSeq: 12, lastCheckpointSeq: 12 });
    expect(v.workspaces[0]?.firstBroken?.reason).toBe('checkpoint_mismatch');
    // nor will the next checkpoint vouch for the rewritten chain
    await record(t, ws, 2);
    await chainWorkspace(t.db, ws);
    const w = await writeCheckpoints(t.db, { checkpointKey: KEY, checkpointDir: dir, now, workspaceIds: [ws] });
    expect(w.written).toEqual([]);
    expect(w.refused[0]?.workspaceId).toBe(ws);
  });

  it('cuts the tail after a checkpoint and moves the head back', async () => {
    const { ws, dir } = await chained(8, true);
    await withGuardOff(t, async () => {
      await asOwner(t, `delete from audit_events where workspace_id = $1 and seq > 5`, [ws]);
      await asOwner(
        t,
        `update audit_chain_heads h set seq = 5, hash = e.hash from audit_events e
          where h.workspace_id = $1 and e.workspace_id = $1 and e.seq = 5`,
        [ws],
      );
    });
    expect(await verify(ws, tempDir())).toMatchObject({ intact: true, checked: 5 });
    const v = await verify(ws, dir);
    expect(v).toMatchObject({ intact: false, firstBrokenSeq: 6, lastCheckpointSeq: 8, checked: 5 });
    expect(v.workspaces[0]?.firstBroken?.reason).toBe('tail_cut');
  });

  it('cuts the tail but forgets the head: caught even without a checkpoint', async () => {
    const { ws } = await chained(8);
    await withGuardOff(t, async () => {
      await asOwner(t, `delete from audit_events where workspace_id = $1 and seq > 6`, [ws]);
    });
    const v = await verify(ws, tempDir());
    expect(v).toMatchObject({ intact: false, firstBrokenSeq: 7 });
  });
});

describe('checkpoint files', () => {
  it('are 0600 in a 0700 directory, one signed line per new head', async () => {
    const { ws, dir } = await chained(3, true);
    const again = await writeCheckpoints(t.db, { checkpointKey: KEY, checkpointDir: dir, now, workspaceIds: [ws] });
    expect(again).toMatchObject({ written: [], unchanged: 1 });
    await record(t, ws, 2);
    await chainWorkspace(t.db, ws);
    await writeCheckpoints(t.db, { checkpointKey: KEY, checkpointDir: dir, now, workspaceIds: [ws] });
    const file = checkpointFile(dir, ws);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual([3, 5]);
    expect(await verify(ws, dir)).toMatchObject({ intact: true, lastCheckpointSeq: 5 });
  });

  it('a line with a bad signature is itself reported', async () => {
    const { ws, dir } = await chained(3, true);
    const file = checkpointFile(dir, ws);
    const forged = fs.readFileSync(file, 'utf8').replace('"seq":3', '"seq":2');
    fs.writeFileSync(file, forged);
    const v = await verify(ws, dir);
    expect(v.intact).toBe(false);
    expect(v.workspaces[0]?.checkpointProblems).toEqual([{ line: 1, reason: 'bad_signature' }]);
    expect((await verify(ws, tempDir())).intact).toBe(true);
  });

  it('a checkpoint signed with another key, or for another workspace, does not count', async () => {
    const { ws, dir } = await chained(2, true);
    expect((await verify(ws, dir, Buffer.alloc(32, 9))).workspaces[0]?.checkpointProblems).toEqual([
      { line: 1, reason: 'bad_signature' },
    ]);
    const other = await makeWorkspace(t);
    fs.copyFileSync(checkpointFile(dir, ws), checkpointFile(dir, other));
    expect((await verify(other, dir)).workspaces[0]?.checkpointProblems).toEqual([{ line: 1, reason: 'wrong_workspace' }]);
  });

  it('a torn last line (crash mid-write) is ignored, then cut by the next write', async () => {
    const { ws, dir } = await chained(2, true);
    const file = checkpointFile(dir, ws);
    fs.appendFileSync(file, '{"v":1,"workspaceId":"');
    expect(await verify(ws, dir)).toMatchObject({ intact: true, lastCheckpointSeq: 2 });
    await record(t, ws, 1);
    await chainWorkspace(t.db, ws);
    await writeCheckpoints(t.db, { checkpointKey: KEY, checkpointDir: dir, now, workspaceIds: [ws] });
    expect(await verify(ws, dir)).toMatchObject({ intact: true, lastCheckpointSeq: 3 });
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    expect(path.basename(file)).toBe(`audit-${ws}.jsonl`);
  });
});

describe('an insider who holds events back or removes a whole workspace', () => {
  it('an unchained tail older than the bound is not intact, with the reason', async () => {
    const { ws, dir } = await chained(3);
    await record(t, ws, 2);
    // A young tail is the chainer's ordinary lag.
    const young = await verify(ws, dir);
    expect(young).toMatchObject({ intact: true, checked: 3, unchained: 2, reasons: [] });
    // The chainer stopped (or was stopped) while events wait to be chained: an
    // insider could delete them before they are ever hashed. `at` is stamped by
    // the database's clock, so the events are made old rather than a clock moved.
    await withGuardOff(t, async () => {
      await asOwner(t, `update audit_events set at = now() - interval '6 minutes' where workspace_id = $1 and seq is null`, [ws]);
    });
    const stale = await verify(ws, dir);
    expect(stale).toMatchObject({ intact: false, checked: 3, unchained: 2 });
    expect(stale.firstBrokenSeq).toBeUndefined();
    expect(stale.workspaces[0]?.oldestUnchainedAgeSeconds).toBeGreaterThan(300);
    expect(stale.reasons).toHaveLength(1);
    expect(stale.reasons[0]).toMatch(new RegExp(`^workspace ${ws}: 2 event\\(s\\) unchained, the oldest 3\\d\\d s old \\(bound 300 s\\)`));
    // The bound is configurable (AUDIT_UNCHAINED_MAX_SECONDS).
    expect(await verifyAudit(t.db, { workspaceId: ws, checkpointKey: KEY, checkpointDir: dir, unchainedMaxSeconds: 600 })).toMatchObject({ intact: true });
    // Once chained, the tail is gone and the chain is whole again.
    await chainWorkspace(t.db, ws);
    expect(await verify(ws, dir)).toMatchObject({ intact: true, checked: 5, unchained: 0 });
  });

  it('deletes a workspace with its chain: its checkpoint file makes verify say so', async () => {
    const dir = tempDir();
    const kept = await makeWorkspace(t);
    const gone = await makeWorkspace(t);
    for (const ws of [kept, gone]) {
      await record(t, ws, 4);
      await chainWorkspace(t.db, ws);
    }
    await writeCheckpoints(t.db, { checkpointKey: KEY, checkpointDir: dir, now, workspaceIds: [kept, gone] });
    const all = () => verifyAudit(t.db, { checkpointKey: KEY, checkpointDir: dir });
    const before = await all();
    expect(before.workspaces.find((w) => w.workspaceId === gone)).toMatchObject({ intact: true, checked: 4 });

    await withGuardOff(t, async () => {
      await asOwner(t, `delete from audit_events where workspace_id = $1`, [gone]);
      await asOwner(t, `delete from audit_chain_heads where workspace_id = $1`, [gone]);
      await asOwner(t, `delete from workspaces where id = $1`, [gone]);
    });
    const after = await all();
    expect(after.intact).toBe(false);
    const w = after.workspaces.find((x) => x.workspaceId === gone);
    expect(w).toMatchObject({ intact: false, workspaceMissing: true, checked: 0, lastCheckpointSeq: 4 });
    expect(w?.reasons[0]).toMatch(/checkpoint file names this workspace \(last signed seq 4\) but the database has no such workspace/);
    expect(after.reasons.some((r) => r.startsWith(`workspace ${gone}: `))).toBe(true);
    // The other workspace is untouched and still intact.
    expect(after.workspaces.find((x) => x.workspaceId === kept)).toMatchObject({ intact: true, checked: 4 });
  });
});
