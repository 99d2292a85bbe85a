import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { describeCliError } from '../../kernel/cli.js';
import type { CreatedWorkspace } from './schemas.js';
import { createWorkspace, type WorkspaceDeps } from './service.js';

export interface CliRuntime {
  deps: WorkspaceDeps;
  close(): Promise<void>;
}

export interface CliIo {
  stdin: AsyncIterable<Buffer | string>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface WorkspaceCreateOptions {
  name: string;
  slug: string;
  ownerEmail: string;
  ownerPassword?: string;
  /** A path, or `-` for stdin. Preferred: nothing shows up in `ps`. */
  ownerPasswordFile?: string;
}

export const PASSWORD_FLAG_WARNING =
  'warning: --owner-password is visible to other processes on this machine (ps, /proc); prefer --owner-password-file <path|->\n';

const defaultIo = (): CliIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The password from the file or stdin, without the one line ending an editor or `echo` adds. */
export async function readOwnerPassword(opts: WorkspaceCreateOptions, io: CliIo): Promise<string> {
  if (opts.ownerPassword !== undefined && opts.ownerPasswordFile !== undefined) {
    throw new Error('give either --owner-password-file or --owner-password, not both');
  }
  if (opts.ownerPasswordFile !== undefined) {
    const raw = opts.ownerPasswordFile === '-' ? await readAll(io.stdin) : await fs.readFile(opts.ownerPasswordFile, 'utf8');
    return raw.replace(/\r?\n$/, '');
  }
  if (opts.ownerPassword !== undefined) {
    io.stderr.write(PASSWORD_FLAG_WARNING);
    return opts.ownerPassword;
  }
  throw new Error('the owner needs a password: --owner-password-file <path|-> (or --owner-password)');
}

/** `confidant workspace create`: one workspace and its owner. */
export async function workspaceCreateCommand(
  opts: WorkspaceCreateOptions & { deps: WorkspaceDeps; now?: Date; io?: CliIo },
): Promise<CreatedWorkspace> {
  const io = opts.io ?? defaultIo();
  const ownerPassword = await readOwnerPassword(opts, io);
  return createWorkspace(opts.deps, {
    name: opts.name,
    slug: opts.slug,
    ownerEmail: opts.ownerEmail,
    ownerPassword,
    now: opts.now ?? new Date(),
    via: 'cli',
  });
}

/** Adds `workspace create` to the CLI; `makeRuntime` opens the database and key ring. */
export function registerWorkspaceCommands(
  program: Command,
  makeRuntime: () => Promise<CliRuntime>,
  io: CliIo = defaultIo(),
): Command {
  const workspace = program.command('workspace').description('manage workspaces');
  workspace
    .command('create')
    .description('create a workspace and its owner')
    .requiredOption('--name <name>', 'workspace name')
    .requiredOption('--slug <slug>', 'workspace slug (lower-case letters, digits, hyphens)')
    .requiredOption('--owner-email <email>', "the owner's email")
    .option('--owner-password-file <path|->', "file holding the owner's password, or - for stdin (preferred)")
    .option('--owner-password <password>', "the owner's password (visible to other processes; prefer the file)")
    .option('--json', 'machine-readable output')
    .action(async (opts: WorkspaceCreateOptions & { json?: boolean }) => {
      const runtime = await makeRuntime();
      try {
        const created = await workspaceCreateCommand({ ...opts, deps: runtime.deps, io });
        io.stdout.write(
          opts.json
            ? `${JSON.stringify({ workspaceId: created.workspaceId, ownerUserId: created.ownerUserId })}\n`
            : `Created workspace ${opts.slug} (${created.workspaceId}); owner ${created.ownerUserId}\n`,
        );
      } catch (err) {
        throw describeCliError(err);
      } finally {
        await runtime.close();
      }
    });
  return workspace;
}
