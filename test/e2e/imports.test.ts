import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, signedInOwner, startE2eServer, watchErrors, type E2eServer } from '../helpers/browser.js';

/** Line 3 holds an email that does not pass the contacts' check; the column "Mail" is mapped by hand. */
const BAD = 'not-an-email@@nowhere';
const CSV = `First name;lastName;Mail;Notes\nAda;Lovelace;ada@import.example;x\n"Bad";Row;${BAD};y\nGrace;"Hopper";grace@import.example;"a; b"\n`;

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
    expect(await page.getByRole('combobox', { name: 'Column “Mail”' }).inputValue()).toBe('');
    await page.getByRole('combobox', { name: 'Column “First name”' }).selectOption('firstName');
    // By keyboard: the select after "lastName" is reached with Tab, and Email is three options down from Ignore.
    await page.getByRole('combobox', { name: 'Column “lastName”' }).focus();
    await page.keyboard.press('Tab');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByRole('combobox', { name: 'Column “Mail”' }).inputValue()).toBe('email');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Next' }).click();

    // 3: the options; missing ones are named next to their fields.
    await step(3).waitFor();
    await page.getByRole('button', { name: 'Start the import' }).click();
    await page.getByText('Choose the lawful basis.').waitFor();
    await page.getByText('Say where these people come from.').waitFor();
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Legitimate interests' }).check();
    await page.getByRole('textbox', { name: 'Source' }).fill('trade fair 2026');
    await page.getByRole('radio', { name: 'Skip' }).check();
    await page.getByRole('button', { name: 'Start the import' }).click();

    // 4: queued; the test runs the job (the server's runner is off), the page polls until done.
    await step(4).waitFor();
    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor();
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
    expect(file).toMatch(/^line,column,reason\r?\n3,Mail,invalid_email\r?\n?$/);
    expect(file).not.toContain(BAD);

    // The good rows landed.
    await page.getByRole('link', { name: 'Go to the contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('link', { name: /Ada Lovelace/ }).waitFor();
    await page.getByRole('link', { name: /Grace Hopper/ }).waitFor();
    expect(await page.getByText('Bad Row').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
