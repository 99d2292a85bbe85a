import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { sql } from 'kysely';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.js';
import { createSetupLinkStep } from '../../src/modules/setup/link.js';
import { recordAudit } from '../../src/platform/audit/index.js';
import { createLogger } from '../../src/platform/logging.js';
import { createSession, createUser, SESSION_COOKIE } from '../../src/modules/identity/index.js';
import type { Role } from '../../src/kernel/access.js';
import { createWorkspace } from '../../src/modules/workspaces/service.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { LogCapture } from './app.js';
import { createTestDatabase, testDbKind, type TestDatabase } from './db.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');
const LOCK = path.join(WEB, '.dist-lock');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

function isStale(): boolean {
  const index = path.join(DIST, 'index.html');
  if (!fs.existsSync(index)) return true;
  const sources = [path.join(WEB, 'src'), path.join(WEB, 'index.html'), path.join(WEB, 'vite.config.ts')];
  return Math.max(...sources.map(newestMtime)) > fs.statSync(index).mtimeMs;
}

async function withLock<T>(fn: () => T): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed run is older than any build takes.
      if (Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      if (i > 600) throw new Error('timed out waiting for another web build');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds web/dist when it is missing or older than its sources. Test projects
 * run at once (PGlite and PostgreSQL), so one builds under a lock into a fresh
 * directory and swaps it in; the server never sees a half-written dist.
 */
export async function ensureWebBuild(): Promise<void> {
  if (!isStale()) return;
  await withLock(() => {
    if (!isStale()) return;
    const out = path.join(WEB, `.dist-${randomBytes(4).toString('hex')}`);
    const vite = path.join(ROOT, 'node_modules', '.bin', 'vite');
    const r = spawnSync(vite, ['build', '--config', 'web/vite.config.ts', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
    const old = `${DIST}.old-${randomBytes(4).toString('hex')}`;
    if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
    fs.renameSync(out, DIST);
    fs.rmSync(old, { recursive: true, force: true });
  });
}

export interface E2eServer {
  server: RunningServer;
  /** Everything the server logged, for scanning (a secret must never appear). */
  logs: LogCapture;
  /** Lines the server printed for the operator at start. */
  printed: readonly string[];
  /** The first-run setup link the server printed (with `setupLink: true`); throws when there was none. */
  setupLink(): string;
  /** An absolute URL on this server. */
  url(pathname: string): string;
  /** Stops the server, then drops its database and temporary directories. */
  close(): Promise<void>;
}

/**
 * The server a browser test talks to, started as `confidant start` would:
 * the web build made fresh if needed, a port of its own, its own data and key
 * directories, the run's database (embedded PGlite, or a fresh PostgreSQL
 * database when the suite runs on the `postgres` project). Background jobs
 * are off unless asked for, so a test runs mail jobs itself (`invitationLink`).
 */
export async function startE2eServer(
  options: { setupLink?: boolean; jobs?: boolean; now?: () => Date; smtpUrl?: string } = {},
): Promise<E2eServer> {
  await ensureWebBuild();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-e2e-'));
  let t: TestDatabase | null = null;
  let database: DatabaseConfig = { kind: 'pglite', dataDir: null };
  if (testDbKind() === 'postgres') {
    t = await createTestDatabase();
    database = t.config;
  }
  const config: Config = {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: path.join(tmp, 'data'), JOBS_ENABLED: options.jobs ? 'true' : 'false' }),
    database,
    keys: { dir: path.join(tmp, 'keys'), inline: undefined, dirIsDefault: false },
    // A real SMTP peer of the test's own; without it mail goes to the .eml fallback.
    ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
  };
  const logs = new LogCapture();
  const printed: string[] = [];
  let server: RunningServer;
  try {
    server = await startServer(config, {
      logger: createLogger('info', logs),
      ...(options.now ? { now: options.now } : {}),
      ...(options.setupLink ? { onStarted: [async (ctx, url) => void (await createSetupLinkStep((line) => printed.push(line))(ctx, url))] } : {}),
    });
  } catch (err) {
    await t?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return {
    server,
    logs,
    printed,
    setupLink: () => {
      const link = /^Open (\S+) to create the first workspace$/.exec(printed[0] ?? '')?.[1];
      if (!link) throw new Error(`no setup link was printed (printed: ${JSON.stringify(printed)})`);
      return link;
    },
    url: (pathname) => new URL(pathname, server.url).toString(),
    close: async () => {
      await server.shutdown('test');
      await t?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page (through the DevTools protocol, which the page's
 * CSP does not govern) and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

let shot = 0;

/**
 * One `main` landmark, one banner (unless a Mantine modal is open: its own
 * `<header>` counts as a second one) and no serious or critical axe
 * violation. E2E_SCREENSHOTS=<dir> keeps a picture of every page checked.
 */
export async function expectAccessible(page: Page, options: { dialog?: boolean } = {}): Promise<void> {
  expect(await page.getByRole('main').count()).toBe(1);
  if (!options.dialog) expect(await page.getByRole('banner').count()).toBe(1);
  expect(await seriousAxeViolations(page)).toEqual([]);
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${String(++shot).padStart(3, '0')}-${new URL(page.url()).pathname.replace(/\W+/g, '_')}.png`), fullPage: true });
}

/** Mantine fades modals and popovers in: axe would measure contrast mid-transition, so wait until fully opaque. */
export async function settled(page: Page, dialogName?: string): Promise<void> {
  const dialog = dialogName ? page.getByRole('dialog', { name: dialogName }) : page.getByRole('dialog');
  await expect
    .poll(() =>
      dialog.evaluate((el) => {
        let o = 1;
        for (let n: Element | null = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity);
        return o;
      }),
    )
    .toBe(1);
}

/** The API through the page: the session cookie and the tab's CSRF token, as the app itself sends them. */
export async function apiCall<T>(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; data: T }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      const csrf = window.sessionStorage.getItem('confidant.csrf');
      if (csrf) headers['x-csrf-token'] = csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await r.text();
      return { status: r.status, data: (text ? JSON.parse(text) : null) as never };
    },
    { method, url, body },
  );
}

/** Console errors and uncaught exceptions; a 401 where signing out is the point is not an error. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** The code an authenticator app would show for `secret` at `at` (the server's clock). */
export function totpCode(secret: string, at: Date = new Date()): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '')), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: at.getTime() });
}

/**
 * Runs the mail jobs, then finds the invitation link in the .eml the
 * development transport wrote. The server must run with JOBS_ENABLED=false so
 * that only this call sends mail (a background runner would race it).
 */
export async function invitationLink(server: RunningServer, email: string, now: Date = new Date()): Promise<string> {
  for (let i = 0; i < 50 && (await server.ctx.jobs.runOnce(now)).claimed > 0; i++);
  const dir = path.join(server.ctx.config.dataDir, 'outbox');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
    const raw = fs.readFileSync(path.join(dir, f), 'utf8');
    if (!raw.toLowerCase().includes(email)) continue;
    const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const token = /\/accept-invitation#token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
    if (token) return new URL(`/accept-invitation#token=${token}`, server.url).toString();
  }
  throw new Error(`no invitation mail to ${email}`);
}

/**
 * A workspace whose owner is enrolled in 2FA and signed in, as a browser
 * context holding the session cookie: for tests about what comes after
 * sign-in (identity.test.ts covers signing in and enrolling through the UI).
 */
export async function signedInOwner(
  server: RunningServer,
  browser: Browser,
  slug: string,
): Promise<{ context: BrowserContext; workspaceId: string; ownerId: string; ownerEmail: string }> {
  const ctx = server.ctx;
  const now = ctx.now();
  const ownerEmail = `owner@${slug}.example`;
  const created = await createWorkspace(
    { db: ctx.db, vault: ctx.vault, recordAudit },
    { name: slug, slug, ownerEmail, ownerPassword: 'a passphrase for the owner', now },
  );
  const session = await ctx.db.withWorkspace(created.workspaceId, async (trx) => {
    await sql`update users set totp_enrolled_at = ${now} where id = ${created.ownerUserId}`.execute(trx);
    return createSession(trx, { workspaceId: created.workspaceId, userId: created.ownerUserId, stage: 'full', now, absoluteHours: ctx.config.sessions.absoluteHours });
  });
  const context = await browser.newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: session.token, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  return { context, workspaceId: created.workspaceId, ownerId: created.ownerUserId, ownerEmail };
}

/** Another member of the workspace, straight into the database (no invitation round trip): for tests that need a second person to name. */
export async function addMember(server: RunningServer, workspaceId: string, email: string, role: Role): Promise<string> {
  const ctx = server.ctx;
  const user = await ctx.db.withWorkspace(workspaceId, (trx) =>
    createUser(trx, ctx.vault, { workspaceId, email, password: 'a passphrase for a member', role, now: ctx.now() }),
  );
  return user.id;
}
