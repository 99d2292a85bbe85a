import fs from 'node:fs/promises';
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
  /** Seconds since the oldest unchained event, by the database's clock. */
  oldestUnchainedAgeSeconds: number | null;
  /** A checkpoint file names this workspace, the database has no such workspace. */
  workspaceMissing?: true;
  /** Why the workspace is not intact, one plain sentence each (empty when intact). */
  reasons: string[];
}

/** API.md `GET /api/v1/audit-events/verify`, plus the per-workspace detail. */
export interface VerifyResult {
  intact: boolean;
  checked: number;
  unchained: number;
  firstBrokenSeq?: number;
  lastCheckpointSeq: number | null;
  /** Each not-intact workspace's reasons, prefixed with its id. */
  reasons: string[];
  workspaces: WorkspaceVerification[];
}

/** How old the unchained tail may grow before `verify` calls it not intact (AUDIT_UNCHAINED_MAX_SECONDS). */
export const UNCHAINED_MAX_SECONDS = 300;

export interface VerifyOptions extends CheckpointOptions {
  workspaceId?: string;
  /** Default UNCHAINED_MAX_SECONDS. */
  unchainedMaxSeconds?: number;
}

function problemsOf(lines: readonly CheckpointLine[]): CheckpointProblem[] {
  return lines.flatMap((l) => (l.ok ? [] : [{ line: l.line, reason: l.reason }]));
}

async function unchainedOf(db: Database, ws: string): Promise<{ count: number; oldest: string | null; ageSeconds: number | null }> {
  // Age by the database's clock, the one that stamped `at`: no app clock can make the tail look young.
  const r = await db.withWorkspace(ws, (trx) =>
    sql<{ n: number; oldest: string | null; age: number | null }>`select count(*)::int as n,
      to_char(min(at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as oldest,
      extract(epoch from now() - min(at))::float8 as age
      from audit_events where workspace_id = ${ws} and seq is null`.execute(trx),
  );
  const row = r.rows[0];
  return { count: Number(row?.n ?? 0), oldest: row?.oldest ?? null, ageSeconds: row?.age ?? null };
}

/** The workspaces that have a checkpoint file in `dir` (a file name is `audit-<uuid>.jsonl`). */
async function checkpointedWorkspaces(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.flatMap((n) => /^audit-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(n)?.[1] ?? []);
}

function reasonsOf(w: Omit<WorkspaceVerification, 'reasons' | 'intact'>, maxAge: number): string[] {
  const reasons: string[] = [];
  if (w.workspaceMissing) {
    reasons.push(`a checkpoint file names this workspace (last signed seq ${w.lastCheckpointSeq ?? 'none'}) but the database has no such workspace: its chain was cut`);
  }
  if (w.firstBroken) reasons.push(`the chain breaks at seq ${w.firstBroken.seq}: ${w.firstBroken.reason}`);
  for (const p of w.checkpointProblems) reasons.push(`checkpoint line ${p.line}: ${p.reason}`);
  if (w.oldestUnchainedAgeSeconds !== null && w.oldestUnchainedAgeSeconds > maxAge) {
    reasons.push(
      `${w.unchained} event(s) unchained, the oldest ${Math.floor(w.oldestUnchainedAgeSeconds)} s old (bound ${maxAge} s): ` +
      'no chainer is running, or events are being held back from the chain',
    );
  }
  return reasons;
}

/**
 * Checks one workspace. Order matters under a running chainer: checkpoints
 * are read before the head, and the head before the walk, so each is at least
 * as new as the one before and a live chain never looks cut.
 */
export async function verifyWorkspace(
  db: Database,
  workspaceId: string,
  opts: CheckpointOptions & { unchainedMaxSeconds?: number; missing?: boolean },
): Promise<WorkspaceVerification> {
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
  const found = {
    workspaceId: ws,
    checked: walk.checked,
    unchained: unchained.count,
    oldestUnchainedAt: unchained.oldest,
    oldestUnchainedAgeSeconds: unchained.ageSeconds,
    headSeq: head?.seq ?? null,
    ...(first ? { firstBrokenSeq: first.seq, firstBroken: first } : {}),
    lastCheckpointSeq: cp?.seq ?? null,
    checkpointProblems,
    ...(opts.missing ? { workspaceMissing: true as const } : {}),
  };
  const reasons = reasonsOf(found, opts.unchainedMaxSeconds ?? UNCHAINED_MAX_SECONDS);
  return { ...found, intact: reasons.length === 0, reasons };
}

/**
 * Recomputes every chain (or one workspace's), checks gaplessness, links,
 * hashes, the chain head and every signed checkpoint, and the age of the
 * unchained tail. Over every workspace it also checks the checkpoint files
 * of workspaces the database no longer has: deleting a workspace cuts its
 * whole chain, which its checkpoints remember. `confidant audit verify`
 * exits 1 unless `intact`.
 */
export async function verifyAudit(db: Database, opts: VerifyOptions): Promise<VerifyResult> {
  if (opts.workspaceId !== undefined) assertUuid(opts.workspaceId, 'workspace id');
  const ids = opts.workspaceId !== undefined ? [opts.workspaceId.toLowerCase()] : await workspaceIds(db);
  const known = new Set(ids.map((id) => id.toLowerCase()));
  const vanished = opts.workspaceId !== undefined ? [] : (await checkpointedWorkspaces(opts.checkpointDir)).filter((id) => !known.has(id));
  const workspaces: WorkspaceVerification[] = [];
  for (const id of ids) workspaces.push(await verifyWorkspace(db, id, opts));
  for (const id of vanished.sort()) workspaces.push(await verifyWorkspace(db, id, { ...opts, missing: true }));
  const firstBad = workspaces.find((w) => !w.intact);
  const single = workspaces.length === 1 ? workspaces[0] : undefined;
  return {
    intact: firstBad === undefined,
    checked: workspaces.reduce((n, w) => n + w.checked, 0),
    unchained: workspaces.reduce((n, w) => n + w.unchained, 0),
    ...(firstBad?.firstBrokenSeq !== undefined ? { firstBrokenSeq: firstBad.firstBrokenSeq } : {}),
    lastCheckpointSeq: single?.lastCheckpointSeq ?? null,
    reasons: workspaces.flatMap((w) => w.reasons.map((r) => `workspace ${w.workspaceId}: ${r}`)),
    workspaces,
  };
}
