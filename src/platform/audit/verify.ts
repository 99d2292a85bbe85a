import { sql } from 'kysely';
import { assertUuid, type Database } from '../db/database.js';
import { workspaceIds } from './chainer.js';
import { lastGood, readCheckpoints, type CheckpointLine } from './checkpoints.js';
import { GENESIS, readHead, walkChain, type BrokenAt } from './walk.js';

export interface CheckpointOptions {
  /** 32 bytes: the key ring's `audit-checkpoint` purpose key. */
  checkpointKey: Buffer;
  /** Beside the key ring, outside the database and its backups. */
  checkpointDir: string;
}

export interface CheckpointProblem {
  line: number;
  reason: 'bad_signature' | 'malformed' | 'wrong_workspace';
}

export interface WorkspaceVerification {
  workspaceId: string;
  intact: boolean;
  /** Chained events re-hashed. */
  checked: number;
  /** Events recorded but not chained yet (the chainer runs a moment behind). */
  unchained: number;
  oldestUnchainedAt: string | null;
  headSeq: number | null;
  firstBrokenSeq?: number;
  /** What `confidant audit verify` prints: where the chain first breaks, and how. */
  firstBroken?: BrokenAt;
  lastCheckpointSeq: number | null;
  checkpointProblems: CheckpointProblem[];
}

/** API.md `GET /api/v1/audit-events/verify`, plus the per-workspace detail. */
export interface VerifyResult {
  intact: boolean;
  checked: number;
  unchained: number;
  firstBrokenSeq?: number;
  lastCheckpointSeq: number | null;
  workspaces: WorkspaceVerification[];
}

function problemsOf(lines: readonly CheckpointLine[]): CheckpointProblem[] {
  return lines.flatMap((l) => (l.ok ? [] : [{ line: l.line, reason: l.reason }]));
}

async function unchainedOf(db: Database, ws: string): Promise<{ count: number; oldest: string | null }> {
  const r = await db.withWorkspace(ws, (trx) =>
    sql<{ n: number; oldest: string | null }>`select count(*)::int as n,
      to_char(min(at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as oldest
      from audit_events where workspace_id = ${ws} and seq is null`.execute(trx),
  );
  return { count: Number(r.rows[0]?.n ?? 0), oldest: r.rows[0]?.oldest ?? null };
}

/**
 * Checks one workspace. Order matters under a running chainer: checkpoints
 * are read before the head, and the head before the walk, so each is at least
 * as new as the one before and a live chain never looks cut.
 */
export async function verifyWorkspace(db: Database, workspaceId: string, opts: CheckpointOptions): Promise<WorkspaceVerification> {
  const ws = workspaceId.toLowerCase();
  const lines = await readCheckpoints(opts.checkpointDir, opts.checkpointKey, ws);
  const signed = new Map<number, string>();
  for (const l of lines) if (l.ok) signed.set(l.checkpoint.seq, l.checkpoint.hash);
  const head = await readHead(db, ws);
  const walk = await walkChain(db, ws, GENESIS, head?.seq ?? Number.MAX_SAFE_INTEGER, signed);
  const broken = [...walk.broken];
  if (head && (head.seq !== walk.last.seq || !head.hash.equals(walk.last.hash))) {
    broken.push({ seq: Math.min(head.seq, walk.last.seq) + 1, eventId: null, reason: head.seq > walk.last.seq ? 'tail_cut' : 'head_mismatch' });
  } else if (!head && walk.checked > 0) {
    broken.push({ seq: 1, eventId: null, reason: 'head_mismatch' });
  }
  const cp = lastGood(lines);
  const maxSigned = Math.max(0, ...signed.keys());
  if (maxSigned > walk.last.seq) broken.push({ seq: walk.last.seq + 1, eventId: null, reason: 'tail_cut' });
  const first = broken.reduce<BrokenAt | undefined>((a, b) => (a === undefined || b.seq < a.seq ? b : a), undefined);
  const checkpointProblems = problemsOf(lines);
  const unchained = await unchainedOf(db, ws);
  return {
    workspaceId: ws,
    intact: first === undefined && checkpointProblems.length === 0,
    checked: walk.checked,
    unchained: unchained.count,
    oldestUnchainedAt: unchained.oldest,
    headSeq: head?.seq ?? null,
    ...(first ? { firstBrokenSeq: first.seq, firstBroken: first } : {}),
    lastCheckpointSeq: cp?.seq ?? null,
    checkpointProblems,
  };
}

/**
 * Recomputes every chain (or one workspace's), checks gaplessness, links,
 * hashes, the chain head and every signed checkpoint. `confidant audit verify`
 * exits 1 unless `intact`.
 */
export async function verifyAudit(
  db: Database,
  opts: CheckpointOptions & { workspaceId?: string },
): Promise<VerifyResult> {
  if (opts.workspaceId !== undefined) assertUuid(opts.workspaceId, 'workspace id');
  const ids = opts.workspaceId !== undefined ? [opts.workspaceId.toLowerCase()] : await workspaceIds(db);
  const workspaces: WorkspaceVerification[] = [];
  for (const id of ids) workspaces.push(await verifyWorkspace(db, id, opts));
  const firstBad = workspaces.find((w) => !w.intact);
  const single = workspaces.length === 1 ? workspaces[0] : undefined;
  return {
    intact: firstBad === undefined,
    checked: workspaces.reduce((n, w) => n + w.checked, 0),
    unchained: workspaces.reduce((n, w) => n + w.unchained, 0),
    ...(firstBad?.firstBrokenSeq !== undefined ? { firstBrokenSeq: firstBad.firstBrokenSeq } : {}),
    lastCheckpointSeq: single?.lastCheckpointSeq ?? null,
    workspaces,
  };
}
