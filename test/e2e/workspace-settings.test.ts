import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, invitationLink, launchChromium, startE2eServer, totpCode as totpAt, watchErrors, type E2eServer } from '../helpers/browser.js';

const OWNER_PASSWORD = 'a passphrase for the owner';
const SALES_PASSWORD = 'a passphrase for sales';

/**
 * The server's clock. A TOTP step is accepted only once, so a second sign-in
 * needs a later step than the enrolment's: the test moves this clock forward
 * instead of waiting out a 30 s period.
 */
let skewMs = 0;
const clock = (): Date => new Date(Date.now() + skewMs);
const totpCode = (secret: string): string => totpAt(secret, clock());

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Reads the secret the enrolment page shows, confirms with a code from it, and returns it for later sign-ins. */
async function enrol(page: Page): Promise<string> {
  await page.getByRole('heading', { name: 'Set up two-factor authentication', level: 1 }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7\s]{16,}$/);
  await page.getByLabel(/6-digit code/).fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByRole('button', { name: 'I have saved them, continue' }).click();
  await page.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
  return secret;
}

async function setUpOwner(owner: Page, link: string): Promise<void> {
  await owner.goto(link);
  await owner.getByLabel('Workspace name').fill('Acme GmbH');
  await owner.getByLabel('Your email').fill('owner@acme.example');
  await owner.getByLabel(/^Password/).fill(OWNER_PASSWORD);
  await owner.getByLabel('Confirm password').fill(OWNER_PASSWORD);
  await owner.getByRole('button', { name: 'Create workspace' }).click();
  await owner.getByRole('link', { name: 'Sign in to Acme GmbH' }).click();
  await signIn(owner, 'owner@acme.example', OWNER_PASSWORD);
  await enrol(owner);
}

/** The owner's settings: a field error from problem+json, then "Require 2FA for everyone" saved. */
async function requireTwoFactorForAll(owner: Page, ownerErrors: string[]): Promise<void> {
  const nav = owner.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Workspace settings' }).click();
  await owner.getByRole('heading', { name: 'Workspace settings', level: 1 }).waitFor();
  expect(await owner.getByLabel('Workspace name').inputValue()).toBe('Acme GmbH');
  await expectAccessible(owner);

  // The server's validation message lands under its field.
  await owner.getByLabel('DPO contact email').fill('not an email');
  await owner.getByRole('button', { name: 'Save settings' }).click();
  await owner.getByText('Enter an email address.').waitFor();
  expect(await owner.getByLabel('DPO contact email').getAttribute('aria-invalid')).toBe('true');
  // Chromium logs every failed response as a console error: this one was asked for; any other still fails the test.
  expect(ownerErrors).toEqual([expect.stringMatching(/status of 400 .*\/api\/v1\/workspace$/)]);
  ownerErrors.length = 0;

  await owner.getByLabel('DPO name').fill('Dana Privacy');
  await owner.getByLabel('DPO contact email').fill('dpo@acme.example');
  const require2fa = owner.getByRole('switch', { name: 'Require 2FA for everyone' });
  expect(await require2fa.isChecked()).toBe(false);
  // By keyboard, as the form must allow: focus the switch, Space turns it on.
  await require2fa.focus();
  await owner.keyboard.press('Space');
  expect(await require2fa.isChecked()).toBe(true);
  await owner.getByRole('button', { name: 'Save settings' }).click();
  await owner.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
  await expectAccessible(owner);

  // The owner sees the danger section; the button waits for the typed slug.
  await owner.getByRole('heading', { name: 'Close workspace', level: 2 }).waitFor();
  const closeButton = owner.getByRole('button', { name: 'Close this workspace' });
  expect(await closeButton.isDisabled()).toBe(true);
  await owner.getByLabel(/Type the workspace address, acme-gmbh, to confirm/).fill('acme-gmbh');
  expect(await closeButton.isDisabled()).toBe(false);

  // Saved on the server, not only on screen.
  await owner.reload();
  await owner.getByRole('heading', { name: 'Workspace settings', level: 1 }).waitFor();
  await expect.poll(() => owner.getByRole('switch', { name: 'Require 2FA for everyone' }).isChecked()).toBe(true);
  expect(await owner.getByLabel('DPO contact email').inputValue()).toBe('dpo@acme.example');
}

describe('workspace settings and the 2FA challenge in the browser', () => {
  let e2e: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    e2e = await startE2eServer({ setupLink: true, now: clock });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('owner requires 2FA for everyone; a sales member enrols, signs out, and passes the challenge at the next sign-in', { timeout: 180_000 }, async () => {
    const link = e2e.setupLink();
    const owner = await (await browser.newContext()).newPage();
    const ownerErrors = watchErrors(owner);
    await setUpOwner(owner, link);
    await requireTwoFactorForAll(owner, ownerErrors);

    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
    await owner.getByRole('textbox', { name: 'Email', exact: true }).fill('sales@acme.example');
    await owner.getByRole('combobox', { name: 'Role', exact: true }).selectOption('sales');
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    await owner.getByText('Invitation sent').waitFor();
    const invitation = await invitationLink(e2e.server, 'sales@acme.example', clock());

    // Sales needs no 2FA by role; the workspace setting sends it to enrolment.
    const sales = await (await browser.newContext()).newPage();
    const salesErrors = watchErrors(sales);
    await sales.goto(invitation);
    await sales.getByLabel(/^New password/).fill(SALES_PASSWORD);
    await sales.getByLabel(/^Confirm new password/).fill(SALES_PASSWORD);
    await sales.getByRole('button', { name: 'Create my account' }).click();
    await sales.getByRole('link', { name: 'Sign in' }).click();
    await signIn(sales, 'sales@acme.example', SALES_PASSWORD);
    const secret = await enrol(sales);
    expect(await sales.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspace settings' }).count()).toBe(0);

    await sales.getByRole('button', { name: 'Sign out' }).click();
    // Two periods on: the enrolment's step is spent, this one is fresh.
    skewMs += 60_000;
    await sales.getByLabel('Workspace').fill('acme-gmbh');
    await signIn(sales, 'sales@acme.example', SALES_PASSWORD);
    await sales.getByRole('heading', { name: 'Two-factor authentication', level: 1 }).waitFor();
    await expectAccessible(sales);
    await sales.getByLabel('Authentication code').fill(totpCode(secret));
    await sales.getByRole('button', { name: 'Continue' }).click();
    await sales.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
    await expectAccessible(sales);

    expect(ownerErrors).toEqual([]);
    expect(salesErrors).toEqual([]);
  });
});
