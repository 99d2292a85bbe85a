import type { Command } from 'commander';
import { loadConfig } from './config.js';
import { CHECKPOINT_PURPOSE, checkpointDirFor, createVault, hooksOf, loadKeyring } from './context.js';
import { chainAll, verifyAudit, type VerifyResult } from './platform/audit/index.js';
import { rotateKeys } from './platform/crypto/index.js';
import type { CliKit, OperatorRuntime } from './kernel/module.js';
import { workspaceIdBySlug } from './platform/db/workspace-by-slug.js';
import { openDatabase } from './platform/db/database.js';
import { countsByState, jobCounts, listJobs, retryJob } from './platform/jobs/index.js';
import { MODULES } from './modules/index.js';

export type { OperatorRuntime } from './kernel/module.js';

export async function openOperatorRuntime(): Promise<OperatorRuntime> {
  const config = loadConfig();
  const db = await openDatabase(config.database, { migrate: true });
  try {
    const keyring = await loadKeyring(config, (msg) => process.stderr.write(`warning: ${msg}\n`));
    return { db, keyring, vault: createVault(keyring), hooks: hooksOf(MODULES), close: () => db.close() };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** What the composition root hands each module's commands. */
export const cliKit: CliKit = { openRuntime: openOperatorRuntime };

async function withRuntime<T>(fn: (rt: OperatorRuntime) => Promise<T>): Promise<T> {
  const rt = await openOperatorRuntime();
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/** `confidant audit verify`: exit 0 when every chain is intact, 1 naming the first broken event. */
export async function auditVerify(rt: OperatorRuntime, slug?: string, unchainedMaxSeconds?: number): Promise<VerifyResult> {
  const workspaceId = slug ? await workspaceIdBySlug(rt.db, slug) : undefined;
  return verifyAudit(rt.db, {
    checkpointKey: rt.keyring.purposeKey(CHECKPOINT_PURPOSE),
    checkpointDir: checkpointDirFor(rt.keyring),
    ...(workspaceId ? { workspaceId } : {}),
    ...(unchainedMaxSeconds !== undefined ? { unchainedMaxSeconds } : {}),
  });
}

function describeVerify(result: VerifyResult): string {
  const lines = [
    `${result.intact ? 'intact' : 'BROKEN'}: ${result.checked} event(s) checked, ${result.unchained} not chained yet`,
  ];
  for (const w of result.workspaces) {
    if (w.firstBroken) {
      lines.push(`  workspace ${w.workspaceId}: first broken event seq ${w.firstBroken.seq} (event ${w.firstBroken.eventId ?? '?'}): ${w.firstBroken.reason}`);
    }
    for (const p of w.checkpointProblems) lines.push(`  workspace ${w.workspaceId}: checkpoint problem: ${JSON.stringify(p)}`);
    if (w.unchained > 0) lines.push(`  workspace ${w.workspaceId}: ${w.unchained} unchained since ${w.oldestUnchainedAt ?? '?'}`);
    for (const r of w.reasons) lines.push(`  workspace ${w.workspaceId}: NOT INTACT: ${r}`);
  }
  return lines.join('\n');
}

export function registerOperatorCommands(program: Command): void {
  const keys = program.command('keys').description('the key ring');
  keys
    .command('rotate')
    .description('start a new master key epoch: new workspace keys, every person key re-wrapped, indexes rebuilt')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const result = await withRuntime((rt) =>
        rotateKeys({ db: rt.db, keyring: rt.keyring, vault: rt.vault, now: new Date(), log: (m) => process.stderr.write(`${m}\n`) }),
      );
      print(opts.json, result, `rotated to epoch ${result.epoch}: ${result.workspaces} workspace(s), ${result.subjectKeysRewrapped} key(s) re-wrapped`);
    });

  const audit = program.command('audit').description('the audit trail');
  audit
    .command('verify')
    .description('recompute every hash chain and check the signed checkpoints')
    .option('--workspace <slug>', 'only this workspace')
    .option('--chain-first', 'chain pending events before verifying')
    .option('--json', 'machine-readable output')
    .action(async (opts: { workspace?: string; json?: boolean; chainFirst?: boolean }) => {
      const result = await withRuntime(async (rt) => {
        if (opts.chainFirst) await chainAll(rt.db);
        return auditVerify(rt, opts.workspace, loadConfig().auditUnchainedMaxSeconds);
      });
      print(opts.json, result, describeVerify(result));
      if (!result.intact) process.exitCode = 1;
    });

  const jobs = program.command('jobs').description('background jobs');
  jobs
    .command('list')
    .description('jobs and their state')
    .option('--state <state>', 'queued, running, done or failed')
    .option('--kind <kind>', 'only this kind')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'machine-readable output')
    .action(async (opts: { state?: string; kind?: string; limit: string; json?: boolean }) => {
      const { items, counts } = await withRuntime(async (rt) => ({
        items: await listJobs(rt.db, {
          ...(opts.state ? { state: opts.state as never } : {}),
          ...(opts.kind ? { kind: opts.kind } : {}),
          limit: Number(opts.limit),
        }),
        counts: countsByState(await jobCounts(rt.db)),
      }));
      print(
        opts.json,
        { counts, items },
        [`counts: ${JSON.stringify(counts)}`, ...items.map((j) => `${j.id} ${j.kind} ${j.state} attempts=${j.attempts}${j.lastError ? ` error=${j.lastError}` : ''}`)].join('\n'),
      );
    });
  jobs
    .command('retry <id>')
    .description('queue a failed job again')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const ok = await withRuntime((rt) => retryJob(rt.db, id, new Date()));
      print(opts.json, { retried: ok }, ok ? `job ${id} queued again` : `job ${id} is not a failed job`);
      if (!ok) process.exitCode = 1;
    });

}
