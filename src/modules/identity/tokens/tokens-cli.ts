import type { Command } from 'commander';
import type { CliKit, OperatorRuntime } from '../../../kernel/module.js';
import { workspaceIdBySlug } from '../../../platform/db/workspace-by-slug.js';
import { auditId, recordAudit } from '../../../platform/audit/index.js';
import { describeCliError } from '../../../kernel/cli.js';
import { MAX_TOKEN_DAYS, issueToken, revokeToken } from './tokens-routes.js';

export interface TokenCreateOptions {
  workspace: string;
  name: string;
  /** Comma-separated, or `all` (every scope but members:manage and tokens:manage). */
  scopes: string;
  /** Days until it expires (default 90). */
  expires?: string;
}

export interface TokenRevokeOptions {
  workspace: string;
  name: string;
}

function parseDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) throw new Error(`--expires takes whole days from 1 to ${MAX_TOKEN_DAYS}`);
  return days;
}

/**
 * `confidant token create`: the operator's token (created_by null). The
 * operator is root already, so its scopes are bounded only by what it grants;
 * owners are mailed as for any other token.
 */
export async function tokenCreateCommand(rt: OperatorRuntime, opts: TokenCreateOptions, now = new Date()): Promise<{ id: string; token: string; expiresAt: string }> {
  const workspaceId = await workspaceIdBySlug(rt.db, opts.workspace);
  const days = parseDays(opts.expires);
  const scopes = opts.scopes.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const issued = await issueToken(
    { db: rt.db, vault: rt.vault, hooks: rt.hooks },
    {
      workspaceId, name: opts.name, scopes, now, maker: null, actor: { type: 'operator' },
      ...(days !== undefined ? { expiresAt: new Date(now.getTime() + days * 86_400_000) } : {}),
    },
  );
  return { id: issued.id, token: issued.token, expiresAt: issued.expiresAt };
}

/** `confidant token revoke`: the live token of that name, whoever made it; its very next request gets 401. */
export async function tokenRevokeCommand(rt: OperatorRuntime, opts: TokenRevokeOptions, now = new Date()): Promise<{ id: string }> {
  const workspaceId = await workspaceIdBySlug(rt.db, opts.workspace);
  return rt.db.withWorkspace(workspaceId, async (trx) => {
    const id = await revokeToken(trx, { name: opts.name }, now);
    if (!id) throw new Error(`no live token named ${opts.name} in workspace ${opts.workspace}`);
    await recordAudit(trx, { action: 'token.revoked', actor: { type: 'operator' }, details: { tokenId: auditId(id) } });
    return { id };
  });
}

async function withRuntime<T>(cli: CliKit, fn: (rt: OperatorRuntime) => Promise<T>): Promise<T> {
  const rt = await cli.openRuntime();
  try {
    return await fn(rt);
  } catch (err) {
    throw describeCliError(err);
  } finally {
    await rt.close();
  }
}

export function registerTokenCommands(program: Command, cli: CliKit): void {
  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('make an API token as the operator (printed once)')
    .requiredOption('--workspace <slug>', 'the workspace')
    .requiredOption('--name <name>', 'a name, unique among live tokens')
    .requiredOption('--scopes <s1,s2|all>', 'comma-separated scopes, or all (every scope but members:manage and tokens:manage)')
    .option('--expires <days>', 'days until it expires (default 90)')
    .option('--json', 'machine-readable output')
    .action(async (opts: TokenCreateOptions & { json?: boolean }) => {
      const issued = await withRuntime(cli, (rt) => tokenCreateCommand(rt, opts));
      process.stdout.write(opts.json ? `${JSON.stringify({ token: issued.token })}\n` : `${issued.token}\n(shown once; expires ${issued.expiresAt})\n`);
    });
  token
    .command('revoke')
    .description('revoke the live token of this name')
    .requiredOption('--workspace <slug>', 'the workspace')
    .requiredOption('--name <name>', 'the token name')
    .option('--json', 'machine-readable output')
    .action(async (opts: TokenRevokeOptions & { json?: boolean }) => {
      const r = await withRuntime(cli, (rt) => tokenRevokeCommand(rt, opts));
      process.stdout.write(opts.json ? `${JSON.stringify({ revoked: true, id: r.id })}\n` : `revoked token ${opts.name} (${r.id})\n`);
    });
}
