import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.js';
import { createSetupLinkStep } from '../../src/modules/setup/link.js';
import { createLogger } from '../../src/platform/logging.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { LogCapture } from '../helpers/app.js';
import { ensureWebBuild, launchChromium, seriousAxeViolations } from '../helpers/browser.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../helpers/db.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-e2e-'));
const PASSWORD = 'a passphrase for the owner';

/** Console errors and uncaught exceptions, with where they came from. */
function watchErrors(page: Page): Array<{ text: string; url: string }> {
  const errors: Array<{ text: string; url: string }> = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => errors.push({ text: e.message, url: 'pageerror' }));
  return errors;
}

describe('first-run setup in the browser', () => {
  let t: TestDatabase | null = null;
  let server: RunningServer;
  let browser: Browser;
  const printed: string[] = [];
  const logs = new LogCapture();

  beforeAll(async () => {
    await ensureWebBuild();
    let database: DatabaseConfig = { kind: 'pglite', dataDir: null };
    if (testDbKind() === 'postgres') {
      t = await createTestDatabase();
      database = t.config;
    }
    const config: Config = {
      ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: path.join(tmp, 'data') }),
      database,
      keys: { dir: path.join(tmp, 'keys'), inline: undefined, dirIsDefault: false },
    };
    server = await startServer(config, {
      logger: createLogger('info', logs),
      onStarted: [async (ctx, url) => void (await createSetupLinkStep((line) => printed.push(line))(ctx, url))],
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.shutdown('test');
    await t?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates the first workspace from the printed link, without console errors or serious a11y violations', async () => {
    expect(printed).toHaveLength(1);
    const link = /^Open (\S+) to create the first workspace$/.exec(printed[0] ?? '')?.[1];
    expect(link).toMatch(/\/setup#token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(link!).hash.slice('#token='.length);

    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(link!);
    await expect.poll(() => page.getByRole('heading', { name: 'Set up Confidant', level: 1 }).count()).toBe(1);
    await page.getByLabel('Workspace name').waitFor();
    // The token leaves the address bar once read (no history entry, no referrer).
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Keyboard only: type, Tab to the next field, Enter to submit.
    await page.getByLabel('Workspace name').focus();
    await page.keyboard.type('Acme GmbH');
    await expect.poll(() => page.getByLabel('Workspace address').inputValue()).toBe('acme-gmbh');
    await page.keyboard.press('Tab');
    expect(await page.getByLabel('Workspace address').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Owner@Acme.example');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    expect(await page.getByLabel('Confirm password').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type(`${PASSWORD}x`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('The passwords do not match.').count()).toBe(1);
    expect(await page.getByLabel('Confirm password').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.getByRole('heading', { name: 'Your workspace is ready' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(logs.text).not.toContain(token);

    const ws = await server.ctx.db.withSystem(async (trx) => (await sql<{ id: string }>`select id from confidant_workspace_by_slug('acme-gmbh')`.execute(trx)).rows);
    expect(ws).toHaveLength(1);
    const owners = await server.ctx.db.withWorkspace(ws[0]!.id, (trx) => sql<{ role: string }>`select role from users`.execute(trx));
    expect(owners.rows).toEqual([{ role: 'owner' }]);

    // The sign-in page is a real form; until the identity module lands its
    // endpoint answers 404, which the page states plainly.
    await page.getByRole('link', { name: 'Sign in to Acme GmbH' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in', level: 1 }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: /^Workspace/ }).inputValue()).toBe('acme-gmbh');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('Email').fill('owner@acme.example');
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Before the identity module: a plain statement that sign-in is missing;
    // after it: the owner is signed in and asked to enrol 2FA.
    const outcome = page.getByRole('alert').or(page.getByRole('status'));
    await outcome.first().waitFor();
    expect(await outcome.first().textContent()).toMatch(/Sign-in is not available on this server yet|One more step/);
    expect(errors.filter((e) => !e.url.includes('/api/v1/auth/sign-in'))).toEqual([]);

    // Setup is closed now: the landing page points to sign-in.
    await page.goto(new URL('/', link).toString());
    await expect.poll(() => page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    await page.close();
  });
});
