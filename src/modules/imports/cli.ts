/**
 * `confidant contacts import <file.csv>` (API.md "Operator CLI"): stores the
 * file sealed and runs the import in this process as the operator, with a
 * progress bar on a TTY; `--json` prints the object GET /api/v1/imports/{id}
 * answers. The import is queued as a job too, so if this process dies a
 * server's worker resumes it from the last committed batch.
 */
import fs from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { openOperatorRuntime, workspaceIdBySlug, type OperatorRuntime } from '../../commands.js';
import { describeCliError } from '../workspaces/cli.js';
import type { ImportStatusView } from './schemas.js';
import { createImport, importStatus, runImport, type RunOptions } from './service.js';

export interface ContactsImportOptions {
  workspace: string;
  lawfulBasis: string;
  source: string;
  /** A JSON object, or the path of a file holding one. */
  mapping?: string;
  duplicates?: string;
}

function readMapping(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const text = value.trim().startsWith('{') ? value : fs.readFileSync(value, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('--mapping takes a JSON object (CSV header → contact field) or the path of a file holding one');
  }
}

/** Physical lines of the file (for the progress bar's total; an upper bound on the records). */
function countLines(file: string): number {
  let n = 0;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const read = fs.readSync(fd, buf, 0, buf.length, null);
      if (read === 0) break;
      for (let i = 0; i < read; i += 1) if (buf[i] === 10) n += 1;
    }
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

/** Runs an import to its end and returns its status (the same object as GET /api/v1/imports/{id}). */
export async function contactsImportCommand(
  rt: Pick<OperatorRuntime, 'db' | 'vault'>, file: string, opts: ContactsImportOptions, run: RunOptions = {},
): Promise<ImportStatusView> {
  const workspaceId = await workspaceIdBySlug(rt.db, opts.workspace);
  const mapping = readMapping(opts.mapping);
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const ctx = { db: rt.db, vault: rt.vault, now: () => new Date() };
  const id = await createImport(ctx, workspaceId, { type: 'operator', id: null }, fs.createReadStream(file), () => ({
    ...(mapping !== undefined ? { mapping } : {}),
    lawfulBasis: opts.lawfulBasis,
    source: opts.source,
    ...(opts.duplicates !== undefined ? { duplicates: opts.duplicates } : {}),
  }));
  let outcome = await runImport(ctx, workspaceId, id, run);
  // A server's worker took the job meanwhile: wait for it to finish.
  while (outcome === 'superseded') {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const s = await importStatus(ctx, workspaceId, id);
    outcome = s?.status === 'done' ? 'done' : s?.status === 'failed' ? 'failed' : 'superseded';
  }
  return (await importStatus(ctx, workspaceId, id))!;
}

export function registerContactImportCommand(program: Command): void {
  const contacts = program.command('contacts').description('contacts');
  contacts
    .command('import <file>')
    .description('import contacts from a CSV file (comma, semicolon or tab; UTF-8 with or without BOM)')
    .requiredOption('--workspace <slug>', 'the workspace')
    .requiredOption('--lawful-basis <basis>', 'the lawful basis of the imported contacts (a lawfulBasis column overrides it per row)')
    .requiredOption('--source <text>', 'where the contacts come from')
    .option('--mapping <json-or-file>', 'JSON object, or a file holding one: CSV header → contact field')
    .option('--duplicates <policy>', 'skip, update or create (default skip)')
    .option('--json', 'print the import status as GET /api/v1/imports/{id} does')
    .action(async (file: string, opts: ContactsImportOptions & { json?: boolean }) => {
      const tty = Boolean(process.stderr.isTTY) && !opts.json;
      const bar = tty ? new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {value}/{total} rows' }, cliProgress.Presets.shades_classic) : null;
      const rt = await openOperatorRuntime();
      let status: ImportStatusView;
      try {
        bar?.start(Math.max(countLines(file) - 1, 1), 0);
        status = await contactsImportCommand(rt, file, opts, { onBatch: (s) => bar?.update(s.processed) });
        bar?.update(status.processed);
      } catch (err) {
        throw describeCliError(err);
      } finally {
        bar?.stop();
        await rt.close();
      }
      if (status.status !== 'done') process.exitCode = 1;
      process.stdout.write(opts.json
        ? `${JSON.stringify(status)}\n`
        : `import ${status.id}: ${status.status}${status.error ? ` (${status.error})` : ''}; ${status.processed} row(s): ${status.created} created, ${status.updated} updated, ${status.skipped} skipped, ${status.rejected} rejected${status.rejected > 0 ? ` (errors: ${status.errorsUrl})` : ''}\n`);
    });
}
