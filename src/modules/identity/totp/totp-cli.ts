import type { Command } from 'commander';
import type { CliKit, OperatorRuntime } from '../../../kernel/module.js';
import { workspaceIdBySlug } from '../../../platform/db/workspace-by-slug.js';
import { resetMemberTotp, type ResetResult } from './totp-reset.js';
import { findUserByEmail } from '../members/users.js';

export interface ResetTwoFactorOptions {
  workspace: string;
  email: string;
}

export interface ResetTwoFactorResult extends ResetResult {
  workspaceId: string;
}

/**
 * `confidant user reset-2fa`: the way back in for a locked-out last owner,
 * whom no other owner can reset. Whoever runs it has the server's keys
 * already; it is audited as the operator's act and the member is told by mail.
 */
export async function resetTwoFactorCommand(
  rt: Pick<OperatorRuntime, 'db' | 'vault'>,
  opts: ResetTwoFactorOptions,
  now: Date = new Date(),
): Promise<ResetTwoFactorResult> {
  const workspaceId = await workspaceIdBySlug(rt.db, opts.workspace);
  return rt.db.withWorkspace(workspaceId, async (trx) => {
    const member = await findUserByEmail(trx, rt.vault, workspaceId, opts.email);
    // The message names neither the email nor whether the workspace has such a member elsewhere.
    if (!member) throw new Error(`no member with that email in workspace ${opts.workspace}`);
    const result = await resetMemberTotp(trx, rt.vault, {
      workspaceId,
      targetId: member.id,
      now,
      audit: { actor: { type: 'operator' }, requestId: null },
      by: 'operator',
    });
    return { workspaceId, ...result };
  });
}

/** Adds `confidant user reset-2fa` to the CLI. */
export function registerUserCommands(program: Command, cli: CliKit): void {
  const user = program.command('user').description('workspace members');
  user
    .command('reset-2fa')
    .description("remove a member's two-factor authentication (they enrol again at their next sign-in; their sessions end)")
    .requiredOption('--workspace <slug>', 'the workspace')
    .requiredOption('--email <email>', "the member's email")
    .option('--json', 'machine-readable output')
    .action(async (opts: ResetTwoFactorOptions & { json?: boolean }) => {
      const rt = await cli.openRuntime();
      try {
        const result = await resetTwoFactorCommand(rt, opts);
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(result)}\n`
            : `two-factor authentication reset; ${result.sessionsEnded} session(s) ended; ${result.tokensRevoked} API token(s) revoked; a notice to the member is queued\n`,
        );
      } finally {
        await rt.close();
      }
    });
}
