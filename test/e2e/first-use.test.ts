/**
 * What a new user met on first use, clicked in Chromium: a deal amount typed
 * the European way, the bell's "Mark read" button, and forms sent with their
 * required fields empty. E2E_SCREENSHOTS=<dir> keeps a picture of each state.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyMembers } from '../../src/modules/reads/index.js';
import { apiCall, expectAccessible, launchChromium, settled, signedInOwner, startE2eServer, watchErrors, type E2eServer } from '../helpers/browser.js';
import { textContrast } from '../helpers/contrast.js';

const ZOD_TEXT = /Too small|Too big|Invalid option|Invalid input|expected string|expected one of/;

async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** The accessible name of the focused element (its label), or its tag when it has none. */
const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el) return null;
    const label = el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.tagName;
    return label.replace(/\s*\*\s*$/, '').trim();
  });

describe('first use in the browser', () => {
  let e2e: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    e2e = await startE2eServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('a deal amount typed "48 500,00" is saved as 48,500.00; an ambiguous one is refused under the field', { timeout: 120_000 }, async () => {
    const { context } = await signedInOwner(e2e.server, browser, 'amounts');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(e2e.url('/deals'));
    await page.getByRole('button', { name: 'New deal' }).click();
    const form = page.getByRole('form', { name: 'New deal' });
    await form.getByRole('textbox', { name: 'Title' }).fill('Fleet renewal');
    const amount = form.getByRole('textbox', { name: 'Amount' });
    await amount.fill('48 500,00');
    await form.getByText('Saved as €48,500.00').waitFor();
    await snap(page, 'deal-amount-european');
    await expectAccessible(page);
    await form.getByRole('button', { name: 'Create deal' }).click();
    await page.getByRole('listitem', { name: 'Fleet renewal' }).waitFor();
    const deals = await apiCall<{ items: Array<{ title: string; amountCents: number }> }>(page, 'GET', '/api/v1/deals');
    expect(deals.data.items.map((d) => [d.title, d.amountCents])).toEqual([['Fleet renewal', 4_850_000]]);

    // The browser says en-US: "48.500" is forty-eight and a half there, and four hundred times more in Germany.
    await page.getByRole('button', { name: 'New deal' }).click();
    await form.getByRole('textbox', { name: 'Title' }).fill('Spare parts');
    await amount.fill('48.500');
    await form.getByRole('button', { name: 'Create deal' }).click();
    await form.getByText('“48.500” could be 48500 or 48.5.', { exact: false }).waitFor();
    expect(await focusedLabel(page)).toBe('Amount');
    await snap(page, 'deal-amount-ambiguous');
    await expectAccessible(page);
    expect((await apiCall<{ items: unknown[] }>(page, 'GET', '/api/v1/deals')).data.items).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('the bell\'s "Mark read" button is readable (contrast at least 4.5:1) and marks the notice read', { timeout: 120_000 }, async () => {
    const { context, workspaceId } = await signedInOwner(e2e.server, browser, 'bell');
    const ctx = e2e.server.ctx;
    await ctx.db.withWorkspace(workspaceId, (trx) =>
      notifyMembers(trx, ctx, { roles: ['owner'], kind: 'contacts_exported', payload: { actorType: 'user', records: 3, format: 'csv' }, mail: { subject: 'Export', text: 'An export.' } }),
    );
    const page = await context.newPage();
    await page.goto(e2e.url('/app'));
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    const dialog = page.getByRole('dialog', { name: 'Notifications' });
    await settled(page, 'Notifications');
    const mark = dialog.getByRole('button', { name: 'Mark read' });
    expect(await textContrast(mark)).toBeGreaterThanOrEqual(4.5);
    await snap(page, 'bell-popover');
    await expectAccessible(page, { dialog: true });
    await mark.click();
    await page.getByRole('button', { name: 'Notifications, none unread' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Mark read' }).count()).toBe(0);
  });

  it('empty required fields get plain messages, and the focus moves to the first of them', { timeout: 180_000 }, async () => {
    const { context } = await signedInOwner(e2e.server, browser, 'forms');
    const page = await context.newPage();
    const errors = watchErrors(page);

    // A contact: the server's checks, in plain words.
    await page.goto(e2e.url('/contacts'));
    await page.getByRole('button', { name: 'New contact' }).click();
    const contact = page.getByRole('form', { name: 'Create contact' });
    await contact.getByRole('button', { name: 'Create contact' }).click();
    await contact.getByText('Choose a lawful basis.').waitFor();
    await contact.getByText('Enter where the data came from (the source).').waitFor();
    expect(await contact.textContent()).not.toMatch(ZOD_TEXT);
    await expect.poll(() => focusedLabel(page)).toBe('Consent');
    await snap(page, 'contact-empty');
    await expectAccessible(page);

    // A company: checked in the browser first.
    await page.goto(e2e.url('/companies'));
    await page.getByRole('button', { name: 'New company' }).click();
    const company = page.getByRole('form', { name: 'Create company' });
    await company.getByRole('button', { name: 'Create company' }).click();
    await company.getByText('Enter the company name.').waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Name');

    // A token with no name and no scope.
    await page.goto(e2e.url('/tokens'));
    const token = page.getByRole('form', { name: 'Create a token' });
    await token.getByRole('button', { name: 'Create token' }).click();
    await token.getByText('Enter a name for the token.').waitFor();
    await token.getByText('Choose at least one scope.').waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Name');

    // An invitation with no address.
    await page.goto(e2e.url('/team'));
    const invite = page.getByRole('form', { name: 'Invite a member' });
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByText('Enter the email address of the person to invite.').waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Email');

    // The workspace settings with the name emptied: the second field is the first wrong one here.
    await page.goto(e2e.url('/workspace'));
    const settings = page.getByRole('form', { name: 'Settings' });
    await settings.getByRole('textbox', { name: 'Workspace address (slug)' }).fill('');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByText('Enter the workspace address (slug).').waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Workspace address (slug)');
    await snap(page, 'settings-empty');
    // The contact's 400 is the answer the form shows; nothing else went wrong.
    expect(errors.filter((e) => !/status of 400 .*\/api\/v1\/contacts$/.test(e))).toEqual([]);
  });
});
