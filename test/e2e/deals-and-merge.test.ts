import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.js';
import { createLogger } from '../../src/platform/logging.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { LogCapture } from '../helpers/app.js';
import { ensureWebBuild, launchChromium, seriousAxeViolations, signedInOwner, watchErrors } from '../helpers/browser.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../helpers/db.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-e2e-deals-'));

/** `dialog`: a Mantine modal is open, whose own `<header>` counts as a second banner. */
async function expectAccessible(page: Page, dialog = false): Promise<void> {
  expect(await page.getByRole('main').count()).toBe(1);
  if (!dialog) expect(await page.getByRole('banner').count()).toBe(1);
  expect(await seriousAxeViolations(page)).toEqual([]);
}

/** Mantine fades modals in: axe would measure contrast mid-transition, so wait until fully opaque. */
async function settled(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.getByRole('dialog').evaluate((el) => {
        let o = 1;
        for (let n: Element | null = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity);
        return o;
      }),
    )
    .toBe(1);
}

/** The API through the page: the session cookie and the tab's CSRF token, as the app itself sends them. */
async function call<T>(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; data: T }> {
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

interface Deal {
  id: string;
  stageId: string;
}

describe('the deals board and the duplicate merge in the browser', () => {
  let t: TestDatabase | null = null;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    let database: DatabaseConfig = { kind: 'pglite', dataDir: null };
    if (testDbKind() === 'postgres') {
      t = await createTestDatabase();
      database = t.config;
    }
    const config: Config = {
      ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: path.join(tmp, 'data'), JOBS_ENABLED: 'false' }),
      database,
      keys: { dir: path.join(tmp, 'keys'), inline: undefined, dirIsDefault: false },
    };
    server = await startServer(config, { logger: createLogger('info', new LogCapture()) });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.shutdown('test');
    await t?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('moves a deal by drag and drop and by keyboard, then merges a duplicate', { timeout: 240_000 }, async () => {
    const { context } = await signedInOwner(server, browser, 'deals-crm');
    const page = await context.newPage();
    const errors = watchErrors(page);
    const nav = page.getByRole('navigation', { name: 'Main' });

    await page.goto(new URL('/app', server.url).toString());
    await nav.getByRole('link', { name: 'Deals' }).waitFor();

    // Two records of one person: the second came in through another address.
    const base = { lawfulBasis: 'legitimate_interests', source: 'Trade fair' };
    const kept = await call<{ id: string }>(page, 'POST', '/api/v1/contacts', {
      ...base, firstName: 'Ingrid', lastName: 'Halvorsen', emails: [{ address: 'ingrid@halvorsen.example' }], jobTitle: 'Buyer',
    });
    const dup = await call<{ id: string }>(page, 'POST', '/api/v1/contacts', {
      ...base, firstName: 'Ingrid', lastName: 'Halvorsen', emails: [{ address: 'ingrid.h@mail.example' }], jobTitle: 'Head of Purchasing',
    });
    expect([kept.status, dup.status]).toEqual([201, 201]);
    const note = await call(page, 'POST', '/api/v1/notes', { contactId: dup.data.id, body: 'Met at the Oslo fair; wants a demo.' });
    expect(note.status).toBe(201);
    expect((await call(page, 'POST', '/api/v1/deals', { title: 'Office chairs', amountCents: 90_000, currency: 'EUR' })).status).toBe(201);

    // The board: the default pipeline's stages as columns.
    await nav.getByRole('link', { name: 'Deals' }).click();
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    const column = (name: string) => page.getByRole('region', { name: 'Sales board' }).locator('section').filter({ has: page.getByRole('heading', { name, level: 2, exact: true }) });
    await column('Lead').getByRole('listitem', { name: 'Office chairs' }).waitFor();
    await column('Qualified').getByText('No deals.').waitFor();
    await expectAccessible(page);

    // A new deal through the form, with its contact picked by search.
    await page.getByRole('button', { name: 'New deal' }).click();
    await page.getByLabel(/^Title/).fill('Fleet renewal');
    await page.getByLabel('Amount').fill('12500');
    await page.getByRole('searchbox', { name: /Search for the contact/ }).fill('ingrid@halvorsen.example');
    const picker = page.getByRole('combobox', { name: 'Contact' });
    await expect.poll(() => picker.locator('option').count()).toBe(2);
    await picker.selectOption({ index: 1 });
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Create deal' }).click();
    const card = page.getByRole('listitem', { name: 'Fleet renewal' });
    await column('Lead').getByRole('listitem', { name: 'Fleet renewal' }).waitFor();
    await card.getByRole('link', { name: 'Ingrid Halvorsen' }).waitFor();
    const list = await call<{ items: Deal[] }>(page, 'GET', `/api/v1/deals?contactId=${kept.data.id}`);
    expect(list.data.items).toHaveLength(1);
    const dealId = list.data.items[0]!.id;
    const leadStage = list.data.items[0]!.stageId;
    await expectAccessible(page);

    // Drag and drop: Lead → Qualified.
    const stageOf = async () => (await call<Deal>(page, 'GET', `/api/v1/deals/${dealId}`)).data.stageId;
    await column('Lead').getByRole('listitem', { name: 'Fleet renewal' }).dragTo(column('Qualified'));
    await column('Qualified').getByRole('listitem', { name: 'Fleet renewal' }).waitFor();
    await expect.poll(stageOf).not.toBe(leadStage);
    const afterDrag = await stageOf();
    await page.getByRole('status').filter({ hasText: `Moved “Fleet renewal” to Qualified` }).waitFor({ state: 'attached' });

    // The keyboard: the card's stage menu.
    const stageMenu = page.getByRole('combobox', { name: 'Move “Fleet renewal” to stage' });
    await stageMenu.focus();
    await stageMenu.selectOption({ label: 'Proposal' });
    await column('Proposal').getByRole('listitem', { name: 'Fleet renewal' }).waitFor();
    await expect.poll(stageOf).not.toBe(afterDrag);
    await page.getByRole('status').filter({ hasText: 'Moved “Fleet renewal” to Proposal' }).waitFor({ state: 'attached' });
    // Focus follows the card to its new column.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move “Fleet renewal” to stage');
    await expectAccessible(page);

    // The duplicate's page, then the merge from the kept contact's page.
    await page.goto(new URL(`/contacts/${kept.data.id}`, server.url).toString());
    await page.getByRole('heading', { name: 'Ingrid Halvorsen', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Find duplicates / Merge…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('searchbox', { name: /Search for the/ }).fill('ingrid.h@mail.example');
    const other = dialog.getByRole('combobox', { name: 'Duplicate contact' });
    await expect.poll(() => other.locator('option').count()).toBe(2);
    await other.selectOption({ index: 1 });
    await dialog.getByText('Head of Purchasing').waitFor();
    await dialog.getByRole('combobox', { name: 'Job title: which value to keep' }).selectOption('merge');
    await dialog.getByText(/erased for good/).waitFor();
    await settled(page);
    await expectAccessible(page, true);
    await dialog.getByRole('button', { name: 'Merge and erase the duplicate' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.waitForURL(new URL(`/contacts/${kept.data.id}`, server.url).toString());
    await page.getByText('Head of Purchasing').first().waitFor();
    await page.getByRole('tab', { name: 'Notes' }).click();
    const notes = page.getByRole('tabpanel', { name: 'Notes' });
    await notes.getByText('Met at the Oslo fair; wants a demo.').waitFor();
    await expectAccessible(page);

    // The tabs' forms: a note, a task (then done), a deal in the default pipeline's first stage.
    await notes.getByLabel('New note').fill('Called back about the demo.');
    await notes.getByRole('button', { name: 'Add note' }).click();
    await notes.getByText('Called back about the demo.').waitFor();
    await page.getByRole('tab', { name: 'Tasks' }).click();
    const tasks = page.getByRole('tabpanel', { name: 'Tasks' });
    await tasks.getByLabel('New task').fill('Send the demo invite');
    await tasks.getByLabel('Due date').fill('2030-01-15');
    await tasks.getByRole('button', { name: 'Add task' }).click();
    const done = tasks.getByRole('checkbox', { name: 'Done: Send the demo invite' });
    await done.waitFor();
    await expectAccessible(page);
    await done.check();
    await expect.poll(async () => (await call<{ items: Array<{ done: boolean }> }>(page, 'GET', `/api/v1/tasks?contactId=${kept.data.id}`)).data.items.map((x) => x.done)).toEqual([true]);
    await page.getByRole('tab', { name: 'Deals' }).click();
    const deals = page.getByRole('tabpanel', { name: 'Deals' });
    await deals.getByRole('cell', { name: 'Fleet renewal' }).waitFor();
    await deals.getByLabel('New deal').fill('Spare parts');
    await deals.getByRole('button', { name: 'Add deal' }).click();
    await deals.getByRole('cell', { name: 'Spare parts' }).waitFor();
    const spare = (await call<{ items: Array<Deal & { title: string }> }>(page, 'GET', `/api/v1/deals?contactId=${kept.data.id}`)).data.items.find((x) => x.title === 'Spare parts');
    expect(spare?.stageId).toBe(leadStage);
    await expectAccessible(page);

    // The duplicate is gone.
    await page.goto(new URL(`/contacts/${dup.data.id}`, server.url).toString());
    await page.getByText('No such contact').waitFor();
    await expectAccessible(page);
    const gone = new RegExp(`status of 404 .*/api/v1/contacts/${dup.data.id}$`);
    expect(errors.filter((e) => !gone.test(e))).toEqual([]);
  });
});
