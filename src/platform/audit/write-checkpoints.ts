import type { Database } from '../db/database.js';
import { workspaceIds } from './chainer.js';
import { appendCheckpoint, lastGood, readCheckpoints } from './checkpoints.js';
import type { CheckpointOptions } from './verify.js';
import { GENESIS, readHead, walkChain, type BrokenAt } from './walk.js';

export interface WriteCheckpointsResult {
  written: Array<{ workspaceId: string; seq: number }>;
  unchanged: number;
  /** Workspaces whose chain no longer verifies since their last checkpoint: not signed. */
  refused: Array<{ workspaceId: string; broken: BrokenAt }>;
}

/**
 * Signs each workspace's chain head into its checkpoint history. Before
 * signing, the events since the last good checkpoint are re-hashed from it, so
 * a checkpoint never vouches for a chain that was already tampered with.
 * Run every few minutes and at shutdown, after a last `chainAll`.
 */
export async function writeCheckpoints(
  db: Database,
  opts: CheckpointOptions & { now: Date; workspaceIds?: readonly string[] },
): Promise<WriteCheckpointsResult> {
  const result: WriteCheckpointsResult = { written: [], unchanged: 0, refused: [] };
  const ids = opts.workspaceIds?.map((w) => w.toLowerCase()) ?? (await workspaceIds(db));
  for (const ws of ids) {
    const head = await readHead(db, ws);
    if (!head || head.seq === 0) {
      result.unchanged++;
      continue;
    }
    const last = lastGood(await readCheckpoints(opts.checkpointDir, opts.checkpointKey, ws));
    const headHex = head.hash.toString('hex');
    if (last && last.seq === head.seq && last.hash === headHex) {
      result.unchanged++;
      continue;
    }
    const from = last && last.seq <= head.seq ? { seq: last.seq, hash: Buffer.from(last.hash, 'hex') } : GENESIS;
    const walk = await walkChain(db, ws, from, head.seq);
    const broken =
      walk.broken[0] ??
      (last && last.seq > head.seq ? { seq: head.seq + 1, eventId: null, reason: 'tail_cut' as const } : undefined) ??
      (walk.last.seq !== head.seq || !walk.last.hash.equals(head.hash)
        ? { seq: walk.last.seq + 1, eventId: null, reason: 'head_mismatch' as const }
        : undefined);
    if (broken) {
      result.refused.push({ workspaceId: ws, broken });
      continue;
    }
    await appendCheckpoint(opts.checkpointDir, opts.checkpointKey, {
      workspaceId: ws,
      seq: head.seq,
      hash: headHex,
      at: opts.now.toISOString(),
    });
    result.written.push({ workspaceId: ws, seq: head.seq });
  }
  return result;
}
