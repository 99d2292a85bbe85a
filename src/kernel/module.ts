import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Keyring, Vault } from '../platform/crypto/index.js';
import type { Database, Trx } from '../platform/db/database.js';
import type { JobContext } from '../platform/jobs/index.js';
import type { AppContext } from './context.js';
import type { HookHandlers, HookName, Hooks } from './hooks.js';

/**
 * A module, as data: everything the composition root needs to wire it in.
 * Each module's `index.ts` exports its one definition; `src/modules/index.ts`
 * lists them, and app.ts, context.ts and main.ts only walk that list.
 */
export interface ModuleDefinition {
  /** The folder name under src/modules/. */
  name: string;
  /** The tables this module owns: only its own files name them in SQL (a test reads every module's source). */
  tables?: readonly string[];
  /** Its HTTP routes, registered in module-list order. */
  routes?: (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;
  /** Its job kinds, recurring ones with their interval. */
  jobs?: readonly JobDefinition[];
  /** Rebuild its blind indexes for a workspace after a key rotation. */
  reindexers?: readonly ReindexerDefinition[];
  /** Its operator commands (`confidant …`). */
  commands?: (program: Command, cli: CliKit) => void;
  /** The hook points it offers (declared in kernel/hooks.ts `HookPoints` by declaration merging). */
  offers?: readonly HookName[];
  /** Its handlers for hook points other modules offer. */
  hooks?: HookHandlers;
  /** Runs once a serving process listens (`confidant start` only). */
  onStarted?: (ctx: AppContext, url: string) => Promise<void>;
}

export interface JobDefinition {
  kind: string;
  /** Runs outside any transaction, idempotently (see platform/jobs JobHandler). */
  run: (ctx: AppContext, job: JobContext) => Promise<void>;
  /** Recurring: seconds between runs, fixed or from the configuration. */
  every?: number | ((config: Config) => number);
}

export interface ReindexerDefinition {
  /** Names the index in rotation reports. */
  name: string;
  run: (vault: Vault, trx: Trx, workspaceId: string) => Promise<void>;
}

/** What an operator command runs on: the migrated database and the key ring. */
export interface OperatorRuntime {
  db: Database;
  keyring: Keyring;
  /** The vault with every module's re-indexers. */
  vault: Vault;
  /** The modules' hook handlers, as a serving process has them (a command may reach another module's point). */
  hooks: Hooks;
  close(): Promise<void>;
}

/** What the composition root hands each module's commands. */
export interface CliKit {
  /** Opens the database (migrating it) and the key ring with every module's re-indexers; the caller closes it. */
  openRuntime(): Promise<OperatorRuntime>;
}

/** Declares a module (an identity function: it types the literal and nothing else). */
export function defineModule(definition: ModuleDefinition): ModuleDefinition {
  return definition;
}
