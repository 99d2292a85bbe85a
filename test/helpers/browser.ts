import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { sql } from 'kysely';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { recordAudit } from '../../src/platform/audit/index.js';
import { createSession, SESSION_COOKIE } from '../../src/modules/identity/sessions.js';
import { createWorkspace } from '../../src/modules/workspaces/service.js';
import type { RunningServer } from '../../src/server.js';

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
