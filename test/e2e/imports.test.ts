import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, signedInOwner, startE2eServer, watchErrors, type E2eServer } from '../helpers/browser.js';

async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Line 3 holds an email that does not pass the contacts' check; the column "Kontakt" is mapped by hand. */
const BAD = 'not-an-email@@nowhere';
const CSV = `First name;lastName;Kontakt;Notes\nAda;Lovelace;ada@import.example;x\n"Bad";Row;${BAD};y\nGrace;"Hopper";grace@import.example;"a; b"\n`;

/** The headers HubSpot, Pipedrive and Google Contacts export, as a new user's file had them. */
const EXPORTED = [
  'First Name,Last Name,E-mail,Phone Number,Company Name,Job Title,Website,Lead Status',
  'Ada,Lovelace,ada@hub.example,+44 20 7946 0958,Engines Ltd,Analyst,https://engines.example,New',
  'Grace,Hopper,grace@hub.example,+1 202 555 0143,Navy,Rear Admiral,,Open',
].join('\n');

describe('importing contacts in the browser', () => {
  let e2e: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    // Jobs stay off: the test runs the import job itself once the wizard has queued it.
    e2e = await startE2eServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('the owner maps the columns, imports, watches the progress and downloads the error file', { timeout: 240_000 }, async () => {
    const { context } = await signedInOwner(e2e.server, browser, 'import-crm');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(e2e.url('/contacts'));
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import contacts', level: 1 }).waitFor();
    const step = (n: number) => page.getByRole('heading', { name: new RegExp(`^Step ${n} of 5`), level: 2 });

    // 1: the file (a click on Next without one says so next to the field).
    await step(1).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Choose a CSV file.').waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Next' }).click();

    // 2: the mapping, defaults from the header names, with the preview read in the browser.
    await step(2).waitFor();
    await page.getByText('Separator detected: semicolon.').waitFor();
    const preview = page.getByRole('table', { name: /The first 3 rows/ });
    await preview.getByRole('cell', { name: 'a; b' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Column “lastName”' }).inputValue()).toBe('lastName');
    expect(await page.getByRole('combobox', { name: 'Column “First name”' }).inputValue()).toBe('firstName');
    expect(await page.getByRole('combobox', { name: 'Column “Kontakt”' }).inputValue()).toBe('');
    // By keyboard: the select after "lastName" is reached with Tab, and Email is three options down from Ignore.
    await page.getByRole('combobox', { name: 'Column “lastName”' }).focus();
    await page.keyboard.press('Tab');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByRole('combobox', { name: 'Column “Kontakt”' }).inputValue()).toBe('email');
    await page.getByText('1 column will not be imported').waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Next' }).click();

    // 3: the options; missing ones are named next to their fields.
    await step(3).waitFor();
    await page.getByRole('button', { name: 'Start the import' }).click();
    await page.getByText('Choose the lawful basis.').waitFor();
    await page.getByText('Enter where these people come from.').waitFor();
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Legitimate interests' }).check();
    await page.getByRole('textbox', { name: 'Source' }).fill('trade fair 2026');
    await page.getByRole('radio', { name: 'Skip' }).check();
    await page.getByRole('button', { name: 'Start the import' }).click();

    // 4: queued; the test runs the job (the server's runner is off), the page polls until done.
    await step(4).waitFor();
    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor({ state: 'attached' }); // at 0 % its bar has no width
    await expectAccessible(page);

    // 5: the result, once the job has run and the page's polling has seen the import done.
    await expect
      .poll(
        async () => {
          await e2e.server.ctx.jobs.runOnce(e2e.server.ctx.now());
          return step(5).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await page.getByTestId('import-created').textContent()).toBe('2');
    expect(await page.getByTestId('import-rejected').textContent()).toBe('1');
    expect(await page.getByTestId('import-skipped').textContent()).toBe('0');
    await expectAccessible(page);
    const link = page.getByRole('link', { name: 'Download the error file' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = fs.readFileSync(await download.path(), 'utf8');
    expect(file).toMatch(/^line,column,reason\r?\n3,Kontakt,invalid_email\r?\n?$/);
    expect(file).not.toContain(BAD);

    // The good rows landed.
    await page.getByRole('link', { name: 'Go to the contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('link', { name: /Ada Lovelace/ }).waitFor();
    await page.getByRole('link', { name: /Grace Hopper/ }).waitFor();
    expect(await page.getByText('Bad Row').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('recognises exported headers, names the ignored columns, asks before importing without names and refuses neither name nor email', { timeout: 240_000 }, async () => {
    const { context } = await signedInOwner(e2e.server, browser, 'import-headers');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(e2e.url('/contacts/import'));
    const step = (n: number) => page.getByRole('heading', { name: new RegExp(`^Step ${n} of 5`), level: 2 });
    await step(1).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'hubspot.csv', mimeType: 'text/csv', buffer: Buffer.from(EXPORTED) });
    await page.getByRole('button', { name: 'Next' }).click();

    // The mapping: every exported header found its field; the two others are named as left out.
    await step(2).waitFor();
    const column = (h: string) => page.getByRole('combobox', { name: `Column “${h}”` });
    const expected: Record<string, string> = {
      'First Name': 'firstName', 'Last Name': 'lastName', 'E-mail': 'email', 'Phone Number': 'phone', 'Company Name': 'company', 'Job Title': 'jobTitle', Website: '', 'Lead Status': '',
    };
    for (const [h, f] of Object.entries(expected)) expect(await column(h).inputValue(), h).toBe(f);
    const notice = page.getByRole('status').filter({ hasText: '2 columns will not be imported' });
    await notice.getByText('“Website”, “Lead Status”', { exact: false }).waitFor();
    await snap(page, 'import-mapping');
    await expectAccessible(page);

    // Without a name column: asked first, and the focus goes to the question.
    await column('First Name').selectOption('');
    await column('Last Name').selectOption('');
    await page.getByRole('button', { name: 'Next' }).click();
    const ask = page.getByRole('alert').filter({ hasText: 'No column feeds a name' });
    await ask.waitFor();
    await expect.poll(() => ask.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByText('4 columns will not be imported').waitFor();
    await snap(page, 'import-confirm-no-name');
    await expectAccessible(page);
    expect(await step(2).count()).toBe(1);

    // Neither a name nor an email: refused here (and by the server, src/modules/imports/mapping.test.ts).
    await column('E-mail').selectOption('');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Map a column to the first name, the last name or the email', { exact: false }).waitFor();
    expect(await ask.count()).toBe(0);
    expect(await step(2).count()).toBe(1);

    // With the email back, "Import without names" goes on; the options step repeats what is left out.
    await column('E-mail').selectOption('email');
    await page.getByRole('button', { name: 'Next' }).click();
    await ask.getByRole('button', { name: 'Import without names' }).click();
    await step(3).waitFor();
    await page.getByText('No column feeds a name: the contacts will have none.').waitFor();
    await page.getByText('4 columns will not be imported').waitFor();

    // Back to the mapping with the names restored: imported with their names.
    await page.getByRole('button', { name: 'Back' }).click();
    await column('First Name').selectOption('firstName');
    await column('Last Name').selectOption('lastName');
    await page.getByRole('button', { name: 'Next' }).click();
    await step(3).waitFor();
    await page.getByRole('radio', { name: 'Contract' }).check();
    await page.getByRole('textbox', { name: 'Source' }).fill('crm migration');
    await page.getByRole('button', { name: 'Start the import' }).click();
    await step(4).waitFor();
    await expect
      .poll(
        async () => {
          await e2e.server.ctx.jobs.runOnce(e2e.server.ctx.now());
          return step(5).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await page.getByTestId('import-created').textContent()).toBe('2');
    await page.getByRole('link', { name: 'Go to the contacts' }).click();
    await page.getByRole('link', { name: /Ada Lovelace/ }).waitFor();
    await page.getByRole('link', { name: /Grace Hopper/ }).waitFor();
    expect(errors).toEqual([]);
  });
});
