import { Command } from 'commander';
import { loadConfig } from './config.js';
import { openDatabase, migratePostgres } from './platform/db/database.js';
import { cliKit, registerOperatorCommands } from './commands.js';
import { MODULES } from './modules/index.js';
import { startServer } from './server.js';

/** Prints a result: JSON with --json, else a short human line. */
export function output(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export function buildCli(): Command {
  const program = new Command('confidant').description('Confidant: a CRM in which privacy promises run.');

  program
    .command('start')
    .description('apply migrations, then serve (embedded PGlite unless DATABASE_URL is set)')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { port?: string; json?: boolean }) => {
      const config = loadConfig({ ...process.env, ...(opts.port ? { PORT: opts.port } : {}) });
      const server = await startServer(config, { onStarted: MODULES.flatMap((m) => (m.onStarted ? [m.onStarted] : [])) });
      // Migrations ran: the serving process needs the owner's URL no more (the
      // kernel's copy of the starting environment, /proc/<pid>/environ, stays).
      delete process.env.DATABASE_URL;
      output(Boolean(opts.json), { url: server.url }, `Confidant is listening on ${server.url}`);
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          void server.shutdown(signal).then(() => process.exit(0));
        });
      }
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      if (config.database.kind === 'postgres') {
        const report = await migratePostgres(config.database.ownerUrl);
        output(Boolean(opts.json), report, `applied ${report.applied.length} migration(s); ${report.alreadyApplied} already applied`);
      } else {
        let applied: string[] = [];
        let already = 0;
        const db = await openDatabase(config.database, {
          migrate: true,
          onMigrated: (r) => {
            applied = r.applied;
            already = r.alreadyApplied;
          },
        });
        await db.close();
        output(Boolean(opts.json), { applied, alreadyApplied: already }, `applied ${applied.length} migration(s); ${already} already applied`);
      }
    });

  registerOperatorCommands(program);
  for (const m of MODULES) m.commands?.(program, cliKit);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    console.error(`confidant: ${(err as Error).message}`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}
