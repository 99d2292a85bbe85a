/**
 * `confidant contacts import <file.csv>` (API.md "Operator CLI"): stores the
 * file sealed and runs the import in this process as the operator, with a
 * progress bar on a TTY; `--json` prints the object GET /api/v1/imports/{id}
 * answers. It names the import on stderr as it starts. The import is queued
 * as a job too, so if this process dies a server's worker resumes it from the
 * last committed batch, or `--resume <id>` does here (docs/imports.md
 * "Resuming"); the same file given again while an import of it is unfinished
 * is refused with that command.
 */
import fs from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { CliKit, OperatorRuntime } from '../../kernel/module.js';
import { workspaceIdBySlug } from '../../platform/db/workspace-by-slug.js';
import { describeCliError } from '../../kernel/cli.js';
import type { ImportStatusView } from './schemas.js';
import { failInterruptedUploads, INTERRUPTED_UPLOAD_MS } from './purge.js';
import { importRow, unfinishedOfFile, type ImportRow } from './queries.js';
import { createImport, importStatus, runImport, type RunOptions } from './service.js';
import { fileMacOf } from './store.js';

export interface ContactsImportOptions {
  workspace: string;
  /** Required for a new import; a resumed one keeps its stored options. */
  lawfulBasis?: string;
  source?: string;
  /** A JSON object, or the path of a file holding one. */
  mapping?: string;
  duplicates?: string;
  /** The id of a stored import to continue instead of a file. */
  resume?: string;
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

/** An unfinished import of the same file: re-running the command would land a second copy beside it. */
export class UnfinishedImportError extends Error {
  constructor(readonly ids: string[], slug: string, first: ImportRow) {
    super(`an import of this file is unfinished: ${ids.join(', ')} (${first.status}, ${first.processed} row(s) done)`
      + `; continue it with: confidant contacts import --resume ${ids[0]!} --workspace ${slug}`);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs until the import ends, here or (superseded: another run holds it) in a server's worker. */
async function toTheEnd(ctx: Ctx, ws: string, id: string, run: RunOptions): Promise<ImportStatusView> {
  let outcome = await runImport(ctx, ws, id, run);
  while (outcome === 'superseded') {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const s = await importStatus(ctx, ws, id);
    outcome = s?.status === 'done' ? 'done' : s?.status === 'failed' ? 'failed' : 'superseded';
  }
  return (await importStatus(ctx, ws, id))!;
}

type Ctx = { db: OperatorRuntime['db']; vault: OperatorRuntime['vault']; now: () => Date };

async function resume(ctx: Ctx, ws: string, id: string, run: RunOptions): Promise<ImportStatusView> {
  if (!UUID_RE.test(id)) throw new Error('--resume takes the id of an import (a UUID), as printed when it started');
  const row = await ctx.db.withWorkspace(ws, (trx) => importRow(trx, ws, id));
  if (!row) throw new Error(`no import ${id} in this workspace`);
  if (row.status === 'uploading') {
    throw new Error(`import ${id} is still storing its upload (another process is sending it, or it stopped less than ${INTERRUPTED_UPLOAD_MS / 60_000} minutes ago); an interrupted upload cannot be resumed: import the file again`);
  }
  return toTheEnd(ctx, ws, id, run);
}

/**
 * Runs an import to its end and returns its status (the same object as GET
 * /api/v1/imports/{id}): a new one of `file`, or with `opts.resume` a stored
 * one that stopped. `say` gets the line naming the import as it starts.
 */
export async function contactsImportCommand(
  rt: Pick<OperatorRuntime, 'db' | 'vault'>, file: string | undefined, opts: ContactsImportOptions, run: RunOptions = {}, say: (line: string) => void = () => {},
): Promise<ImportStatusView> {
  const workspaceId = await workspaceIdBySlug(rt.db, opts.workspace);
  const ctx: Ctx = { db: rt.db, vault: rt.vault, now: () => new Date() };
  // An upload a killed process left behind is failed before anything else (docs/imports.md "Housekeeping").
  await failInterruptedUploads(ctx, ctx.now(), INTERRUPTED_UPLOAD_MS, workspaceId);
  if (opts.resume !== undefined) {
    if (file !== undefined) throw new Error('--resume continues a stored import: give no file');
    say(`import ${opts.resume}: resuming`);
    return resume(ctx, workspaceId, opts.resume, run);
  }
  if (file === undefined) throw new Error('give the CSV file to import, or --resume <id>');
  if (opts.lawfulBasis === undefined || opts.source === undefined) throw new Error('a new import needs --lawful-basis and --source');
  const mapping = readMapping(opts.mapping);
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const mac = await fileMacOf(ctx.vault, workspaceId, file);
  const unfinished = await ctx.db.withWorkspace(workspaceId, (trx) => unfinishedOfFile(trx, workspaceId, mac));
  if (unfinished.length > 0) throw new UnfinishedImportError(unfinished.map((r) => r.id), opts.workspace, unfinished[0]!);
  const id = await createImport(ctx, workspaceId, { type: 'operator', id: null }, fs.createReadStream(file), () => ({
    ...(mapping !== undefined ? { mapping } : {}),
    lawfulBasis: opts.lawfulBasis,
    source: opts.source,
    ...(opts.duplicates !== undefined ? { duplicates: opts.duplicates } : {}),
  }), undefined, {
    onCreated: (created) => say(`import ${created} started; if it stops, continue it with: confidant contacts import --resume ${created} --workspace ${opts.workspace}`),
  });
  return toTheEnd(ctx, workspaceId, id, run);
}

export function registerContactImportCommand(program: Command, cli: CliKit): void {
  const contacts = program.command('contacts').description('contacts');
  contacts
    .command('import [file]')
    .description('import contacts from a CSV file (comma, semicolon or tab; UTF-8 with or without BOM), or continue one with --resume')
    .requiredOption('--workspace <slug>', 'the workspace')
    .option('--lawful-basis <basis>', 'the lawful basis of the imported contacts (a lawfulBasis column overrides it per row); required for a new import')
    .option('--source <text>', 'where the contacts come from; required for a new import')
    .option('--mapping <json-or-file>', 'JSON object, or a file holding one: CSV header → contact field')
    .option('--duplicates <policy>', 'skip, update or create (default skip)')
    .option('--resume <id>', 'continue the import with this id (printed when it started) from its last committed batch')
    .option('--json', 'print the import status as GET /api/v1/imports/{id} does')
    .action(async (file: string | undefined, opts: ContactsImportOptions & { json?: boolean }) => {
      // A resumed import's file is not at hand: no total, no bar.
      const tty = Boolean(process.stderr.isTTY) && !opts.json && file !== undefined;
      const bar = tty ? new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {value}/{total} rows' }, cliProgress.Presets.shades_classic) : null;
      const rt = await cli.openRuntime();
      let status: ImportStatusView;
      try {
        status = await contactsImportCommand(rt, file, opts, { onBatch: (s) => bar?.update(s.processed) }, (line) => {
          process.stderr.write(`${line}\n`);
          if (file !== undefined) bar?.start(Math.max(countLines(file) - 1, 1), 0);
        });
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
