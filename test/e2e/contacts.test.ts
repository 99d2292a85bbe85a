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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-e2e-contacts-'));

/** `dialog`: a Mantine modal is open, whose own `<header>` counts as a second banner. */
async function expectAccessible(page: Page, dialog = false): Promise<void> {
  expect(await page.getByRole('main').count()).toBe(1);
  if (!dialog) expect(await page.getByRole('banner').count()).toBe(1);
  expect(await seriousAxeViolations(page)).toEqual([]);
}

/**
 * The contact page's Timeline, Notes, Tasks and Deals tabs ask routes other
 * modules are still wiring; until then they answer 404 and the tab says "not
 * available". Chromium logs each failed response, which is not a fault here.
 */
const PENDING_ROUTE = /status of 404 .*\/api\/v1\/(contacts\/[0-9a-f-]+\/timeline|notes|tasks|deals|segments)\b/;
/** Mantine fades modals and popovers in: axe would measure contrast mid-transition, so wait until fully opaque. */
async function settled(page: Page, dialogName?: string): Promise<void> {
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

const unexpected = (errors: string[]) => errors.filter((e) => !PENDING_ROUTE.test(e));

describe('contacts and companies in the browser', () => {
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

  it('creates a contact, finds it by an accent-free prefix, reads its access log, creates a company', { timeout: 180_000 }, async () => {
    const { context } = await signedInOwner(server, browser, 'acme-crm');
    const page = await context.newPage();
    const errors = watchErrors(page);
    const nav = page.getByRole('navigation', { name: 'Main' });

    await page.goto(new URL('/app', server.url).toString());
    await nav.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByText('No contacts yet.').waitFor();
    await page.getByRole('button', { name: /Notifications, none unread/ }).waitFor();
    await expectAccessible(page);

    // The form: a missing source comes back as problem+json and lands under its field.
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Émilie');
    await page.getByLabel('Last name').fill('Sørensen');
    await page.getByLabel('Email 1', { exact: true }).fill('Emilie.Sorensen@Example.org');
    await page.getByRole('button', { name: 'Add phone' }).click();
    await page.getByLabel('Phone 1', { exact: true }).fill('+49 30 901820');
    await page.getByLabel('Job title').fill('Head of Purchasing');
    await page.getByLabel('Tags').fill('Lead, Berlin');
    await page.getByRole('radio', { name: /^Legitimate interests/ }).check();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Create contact' }).click();
    const source = page.getByRole('textbox', { name: /^Source/ });
    await expect.poll(() => source.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').filter({ hasText: 'Please correct the fields marked below.' }).count()).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/status of 400 .*\/api\/v1\/contacts$/)]);
    errors.length = 0;

    await source.fill('Trade fair Berlin');
    await page.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Émilie Sørensen', level: 1 }).waitFor();
    await page.getByText('emilie.sorensen@example.org').waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: 'lead' }).count()).toBe(1);
    // The timeline shows the creation once its route is wired; until then it says it is not available.
    await page.getByRole('tabpanel', { name: 'Timeline' }).getByText(/not available on this server yet|^contact\.created$/).first().waitFor();
    await expectAccessible(page);
    for (const tab of ['Notes', 'Tasks', 'Deals']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel', { name: tab }).getByText(/not available on this server yet|for this contact yet/).waitFor();
      await expectAccessible(page);
    }

    // Search: "EM" (no accent, other case) finds Émilie; the row opens by keyboard.
    await nav.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('searchbox', { name: /^Search/ }).fill('EM');
    await page.getByRole('status').filter({ hasText: '1 contacts match' }).waitFor();
    const row = page.getByRole('link', { name: 'Émilie Sørensen' });
    expect(await page.getByRole('table').getByRole('row').count()).toBe(2);
    await expectAccessible(page);
    await page.getByRole('searchbox', { name: /^Search/ }).fill('zz');
    await page.getByText('No contacts match “zz”.').waitFor();
    await page.getByRole('searchbox', { name: /^Search/ }).fill('sø');
    await row.waitFor();
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Émilie Sørensen', level: 1 }).waitFor();

    // The access log lists the create, the search and the reads of this page.
    await page.getByRole('tab', { name: 'Access log' }).click();
    const log = page.getByRole('tabpanel', { name: 'Access log' });
    await log.getByRole('cell', { name: 'crm.view' }).first().waitFor();
    expect(await log.getByRole('cell', { name: 'crm.search' }).count()).toBeGreaterThan(0);
    expect(await log.getByRole('cell', { name: 'contact.created' }).count()).toBe(1);
    await expectAccessible(page);

    // Fields are editable in place.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Job title').fill('Chief Buyer');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Chief Buyer').first().waitFor();
    // The form closes once the saved record is back (the text may render a frame earlier).
    await expect.poll(() => page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);

    // The delete dialog says what it does, and Cancel keeps the person.
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByText(/erases Émilie Sørensen's personal data for good/).waitFor();
    await settled(page);
    await expectAccessible(page, true);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // Companies: create one, find it.
    await nav.getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('heading', { name: 'Companies', level: 1 }).waitFor();
    await page.getByText('No companies yet.').waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'New company' }).click();
    await page.getByLabel(/^Name/).fill('Åkerberg Consulting');
    await page.getByLabel(/^Domain/).fill('akerberg.example');
    await page.getByRole('button', { name: 'Create company' }).click();
    await page.getByRole('heading', { name: 'Åkerberg Consulting', level: 1 }).waitFor();
    await page.getByText('akerberg.example').waitFor();
    await expectAccessible(page);
    await nav.getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('searchbox', { name: /^Search/ }).fill('ak');
    await page.getByRole('status').filter({ hasText: '1 companies shown' }).waitFor();
    await page.getByRole('link', { name: 'Åkerberg Consulting' }).waitFor();

    // The notifications bell opens a list.
    await page.getByRole('button', { name: /Notifications, none unread/ }).click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByText('Nothing new.').waitFor();
    await settled(page, 'Notifications');
    await expectAccessible(page);
    await page.keyboard.press('Escape');

    expect(unexpected(errors)).toEqual([]);
  });
});
