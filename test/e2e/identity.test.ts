import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, invitationLink, launchChromium, startE2eServer, totpCode, watchErrors, type E2eServer } from '../helpers/browser.js';

const OWNER_PASSWORD = 'a passphrase for the owner';
const SUPPORT_PASSWORD = 'a passphrase for support';

/** First-run setup from the printed link, sign-in, and the forced 2FA enrolment with a code computed from the shown secret. */
async function setUpAndEnrolOwner(owner: Page, link: string): Promise<void> {
  await owner.goto(link);
  await owner.getByLabel('Workspace name').fill('Acme GmbH');
  await owner.getByLabel('Your email').fill('owner@acme.example');
  await owner.getByLabel(/^Password/).fill(OWNER_PASSWORD);
  await owner.getByLabel('Confirm password').fill(OWNER_PASSWORD);
  await owner.getByRole('button', { name: 'Create workspace' }).click();
  await owner.getByRole('link', { name: 'Sign in to Acme GmbH' }).click();

  // Sign-in leads an owner without 2FA to enrolment.
  await owner.getByLabel('Email').fill('owner@acme.example');
  await owner.getByLabel(/^Password/).fill(OWNER_PASSWORD);
  await owner.getByRole('button', { name: 'Sign in' }).click();
  await owner.getByRole('heading', { name: 'Set up two-factor authentication', level: 1 }).waitFor();
  const secret = (await owner.getByTestId('totp-secret').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7\s]{16,}$/);
  expect(await owner.getByRole('img', { name: /QR code/ }).getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  await expectAccessible(owner);
  await owner.getByLabel(/6-digit code/).fill(totpCode(secret));
  await owner.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await owner.getByTestId('recovery-codes').waitFor();
  expect(await owner.getByTestId('recovery-codes').getByRole('listitem').count()).toBe(10);
  await expectAccessible(owner);
  await owner.getByRole('button', { name: 'I have saved them, continue' }).click();
}

/** The owner's navigation follows the permissions the server sent; each page passes axe. */
async function visitOwnerPages(owner: Page): Promise<void> {
  const ownerNav = owner.getByRole('navigation', { name: 'Main' });
  await ownerNav.getByRole('link', { name: 'Team' }).waitFor();
  for (const name of ['Home', 'API tokens', 'Audit trail', 'Account security']) expect(await ownerNav.getByRole('link', { name }).count()).toBe(1);
  await expectAccessible(owner);

  // The audit trail: the chain badge and the CSV link.
  await ownerNav.getByRole('link', { name: 'Audit trail' }).click();
  await expect.poll(() => owner.getByText(/^Chain (intact|broken)/).count(), { timeout: 15_000 }).toBe(1);
  expect(await owner.getByRole('link', { name: /Export these events as CSV/ }).getAttribute('href')).toBe('/api/v1/audit-events/export.csv');
  await expect.poll(() => owner.getByRole('cell', { name: 'auth.totp_enrolled' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await expectAccessible(owner);

  await ownerNav.getByRole('link', { name: 'API tokens' }).click();
  await owner.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
  await expectAccessible(owner);
  await ownerNav.getByRole('link', { name: 'Account security' }).click();
  await owner.getByRole('cell', { name: /This session/ }).waitFor();
  await expectAccessible(owner);
}

/** The invitee accepts, signs in, and sees neither export nor delete actions. */
async function supportJoins(support: Page, invitation: string): Promise<void> {
  await support.goto(invitation);
  await support.getByRole('heading', { name: 'Join your team on Confidant' }).waitFor();
  expect(new URL(support.url()).hash).toBe('');
  await expectAccessible(support);
  await support.getByLabel(/^New password/).fill(SUPPORT_PASSWORD);
  await support.getByLabel(/^Confirm new password/).fill(SUPPORT_PASSWORD);
  await support.getByRole('button', { name: 'Create my account' }).click();
  await support.getByRole('link', { name: 'Sign in' }).click();
  expect(await support.getByRole('textbox', { name: /^Workspace/ }).inputValue()).toBe('acme-gmbh');
  await support.getByLabel('Email').fill('support@acme.example');
  await support.getByLabel(/^Password/).fill(SUPPORT_PASSWORD);
  await support.getByRole('button', { name: 'Sign in' }).click();
  await support.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
  const supportNav = support.getByRole('navigation', { name: 'Main' });
  expect(await supportNav.getByRole('link').allTextContents()).toEqual(['Home', 'Contacts', 'Companies', 'Deals', 'Account security']);
  expect(await support.getByRole('button', { name: /export|delete|remove/i }).count()).toBe(0);
  expect(await support.getByRole('link', { name: /export|delete|remove/i }).count()).toBe(0);
  await expectAccessible(support);
}

describe('identity in the browser', () => {
  let e2e: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    e2e = await startE2eServer({ setupLink: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('owner sets up, enrols 2FA, invites support; support joins without export or delete; removal signs support out', { timeout: 180_000 }, async () => {
    const link = e2e.setupLink();
    const owner = await (await browser.newContext()).newPage();
    const ownerErrors = watchErrors(owner);

    await setUpAndEnrolOwner(owner, link);
    await visitOwnerPages(owner);

    // Invite a support member.
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
    await owner.getByRole('heading', { name: 'What each role may do' }).waitFor();
    await expectAccessible(owner);
    await owner.getByRole('textbox', { name: 'Email', exact: true }).fill('support@acme.example');
    await owner.getByRole('combobox', { name: 'Role', exact: true }).selectOption('support');
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    await owner.getByText('Invitation sent').waitFor();
    const invitation = await invitationLink(e2e.server, 'support@acme.example');

    const support = await (await browser.newContext()).newPage();
    const supportErrors = watchErrors(support);
    await supportJoins(support, invitation);

    // The owner removes support; support's open page is signed out on its next /me poll, without a click.
    await owner.reload();
    await owner.getByRole('button', { name: 'Remove support@acme.example' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => owner.getByRole('button', { name: 'Remove support@acme.example' }).count()).toBe(0);
    await support.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ timeout: 25_000 });
    await support.getByText('You were signed out').waitFor();
    await expectAccessible(support);

    expect(ownerErrors).toEqual([]);
    expect(supportErrors).toEqual([]);
  });
});
