import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Environment -> typed configuration, read once at start. Every setting an
 * operator can change is here and in docs/configuration.md.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  DATABASE_APP_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  CONFIDANT_KEYS_DIR: z.string().optional(),
  CONFIDANT_MASTER_KEYS: z.string().optional(),
  BACKUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(35),
  KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Confidant <no-reply@localhost>'),
  TRUST_PROXY: z.string().optional().transform(parseTrustProxy),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(300),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  JOBS_ENABLED: booleanFromEnv,
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  ARGON2_MAX_CONCURRENT: z.coerce.number().int().min(1).max(64).default(2),
  IMPORT_ERRORS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  NODE_ENV: z.string().optional(),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 16, 'must be at least 16 characters'),
  MAIL_DEV_OUTBOX: booleanFromEnv,
  AUDIT_UNCHAINED_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
});

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; ownerUrl: string; appUrl: string; poolSize: number };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  keys: { dir: string; inline: string | undefined; dirIsDefault: boolean };
  backupRetentionDays: number;
  keyRotationDays: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /**
   * Proxies (addresses or CIDRs) whose X-Forwarded-* headers are believed;
   * empty: none, the socket's peer is the client.
   */
  trustProxy: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  checkpointIntervalSeconds: number;
  shutdownTimeoutMs: number;
  jobsEnabled: boolean;
  sessions: { idleMinutes: number; absoluteHours: number };
  /** Password hashes computed at once; beyond it sign-ins get 503 + Retry-After. */
  argon2MaxConcurrent: number;
  /** Days an ended import's error file is kept (docs/imports.md "Housekeeping"). */
  importErrorsRetentionDays: number;
  /** Bearer token for /metrics; without it /metrics is served only on a loopback HOST. */
  metricsToken: string | undefined;
  /** NODE_ENV=production: development fallbacks (the .eml outbox) must be asked for. */
  production: boolean;
  /** MAIL_DEV_OUTBOX=1: write .eml files without SMTP_URL even in production. */
  mailDevOutbox: boolean;
  /** Age past which an unchained audit event makes `audit verify` report not intact. */
  auditUnchainedMaxSeconds: number;
}

/**
 * The configuration a serving process keeps once migrations ran: the owner's
 * URL without its password (user, host and database stay, for messages). The
 * server connects only as the app role after migrating, so nothing at run
 * time needs the owner's credentials, and injected code or a heap dump of the
 * server finds none.
 */
export function withoutOwnerSecret(config: Config): Config {
  if (config.database.kind !== 'postgres') return config;
  let ownerUrl: string;
  try {
    const url = new URL(config.database.ownerUrl);
    url.password = '';
    url.searchParams.delete('password');
    ownerUrl = url.toString();
  } catch {
    ownerUrl = '';
  }
  return { ...config, database: { ...config.database, ownerUrl } };
}

/** The app role's login URL: the owner URL with the user swapped, unless given. */
export function deriveAppUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = 'confidant_app';
  url.password = '';
  return url.toString();
}

const BOOLEANISH = /^(true|false|yes|no|on|off|1|0)$/i;

/** One proxy: an IPv4 or IPv6 address, or a CIDR with a prefix length narrower than everything. */
function proxyEntryProblem(entry: string): string | null {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or a CIDR`;
  if (prefix === undefined) return null;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  const max = family === 4 ? 32 : 128;
  if (!(bits >= 0 && bits <= max)) return `"${entry}": the prefix length must be 1 to ${max}`;
  if (bits === 0) return `"${entry}" would trust every address; list your proxies`;
  return null;
}

/**
 * TRUST_PROXY is the list of proxies allowed to say who the client is. `true`
 * would believe X-Forwarded-For from anyone, so any client could pick the
 * address every throttle counts by: a yes/no value is refused, not guessed at.
 */
function parseTrustProxy(value: string | undefined, ctx: z.RefinementCtx): string[] {
  if (value === undefined || value.trim() === '') return [];
  if (BOOLEANISH.test(value.trim())) {
    ctx.addIssue({
      code: 'custom',
      message:
        `"${value.trim()}" is not accepted: list the addresses or CIDRs of your proxies, comma-separated ` +
        '(e.g. TRUST_PROXY=127.0.0.1,::1 or TRUST_PROXY=10.0.0.0/24), or leave it unset when clients connect directly',
    });
    return z.NEVER;
  }
  const entries = value.split(',').map((s) => s.trim());
  for (const entry of entries) {
    const problem = entry === '' ? 'an empty entry (a stray comma?)' : proxyEntryProblem(entry);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${problem}; list the addresses or CIDRs of your proxies, comma-separated` });
      return z.NEVER;
    }
  }
  return entries;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const database: DatabaseConfig = e.DATABASE_URL
    ? {
        kind: 'postgres',
        ownerUrl: e.DATABASE_URL,
        appUrl: e.DATABASE_APP_URL ?? deriveAppUrl(e.DATABASE_URL),
        poolSize: e.DATABASE_POOL_SIZE,
      }
    : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
  // Keys default to a sibling of the data directory, never inside it, so a copy
  // of ./data (or a backup of it) does not carry the keys that open it.
  const defaultKeysDir = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}-keys`);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir,
    database,
    keys: {
      dir: path.resolve(e.CONFIDANT_KEYS_DIR ?? defaultKeysDir),
      inline: e.CONFIDANT_MASTER_KEYS,
      dirIsDefault: e.CONFIDANT_KEYS_DIR === undefined,
    },
    backupRetentionDays: e.BACKUP_RETENTION_DAYS,
    keyRotationDays: e.KEY_ROTATION_DAYS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    checkpointIntervalSeconds: e.CHECKPOINT_INTERVAL_SECONDS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    jobsEnabled: env.JOBS_ENABLED === undefined ? true : e.JOBS_ENABLED,
    sessions: { idleMinutes: e.SESSION_IDLE_MINUTES, absoluteHours: e.SESSION_ABSOLUTE_HOURS },
    argon2MaxConcurrent: e.ARGON2_MAX_CONCURRENT,
    importErrorsRetentionDays: e.IMPORT_ERRORS_RETENTION_DAYS,
    metricsToken: e.METRICS_TOKEN === '' ? undefined : e.METRICS_TOKEN,
    production: e.NODE_ENV === 'production',
    mailDevOutbox: e.MAIL_DEV_OUTBOX,
    auditUnchainedMaxSeconds: e.AUDIT_UNCHAINED_MAX_SECONDS,
  };
}
