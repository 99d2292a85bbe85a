import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, expectAccessible, launchChromium, settled, signedInOwner, startE2eServer, watchErrors, type E2eServer } from '../helpers/browser.js';

describe('contacts and companies in the browser', () => {
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

  it('creates a contact with an address and custom fields, finds it, reads its access log, links it to a company', { timeout: 240_000 }, async () => {
    const { context } = await signedInOwner(e2e.server, browser, 'acme-crm');
    const page = await context.newPage();
    const errors = watchErrors(page);
    const nav = page.getByRole('navigation', { name: 'Main' });

    await page.goto(e2e.url('/app'));
    await nav.getByRole('link', { name: 'Contacts' }).waitFor();
    // Two custom fields, defined as a workspace manager would through the API.
    for (const field of [
      { key: 'interests', label: 'Interests', type: 'multi_select', options: ['Chairs', 'Desks', 'Lamps'], dataCategory: 'behavioural' },
      { key: 'portfolio', label: 'Portfolio', type: 'url', dataCategory: 'online_identifier' },
    ]) {
      expect((await apiCall(page, 'POST', '/api/v1/custom-fields', field)).status).toBe(201);
    }

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
    await page.getByLabel('Street').fill('Torstraße 1');
    await page.getByLabel('Postal code').fill('10119');
    await page.getByLabel('Address city').fill('Berlin');
    await page.getByLabel('Address country').fill('Germany');
    await page.getByLabel('Bio').fill('Buys for three offices.');
    const interests = page.getByRole('group', { name: 'Interests' });
    await interests.getByRole('checkbox', { name: 'Chairs' }).check();
    await interests.getByRole('checkbox', { name: 'Lamps' }).check();
    const portfolio = page.getByRole('textbox', { name: 'Portfolio' });
    await portfolio.fill('not a link');
    await page.getByRole('radio', { name: /^Legitimate interests/ }).check();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Create contact' }).click();
    const source = page.getByRole('textbox', { name: /^Source/ });
    await expect.poll(() => source.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').filter({ hasText: 'Please correct the fields marked below.' }).count()).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/status of 400 .*\/api\/v1\/contacts$/)]);
    errors.length = 0;

    // The custom field's own check is the server's too: its message lands under the field.
    await source.fill('Trade fair Berlin');
    await page.getByRole('button', { name: 'Create contact' }).click();
    await expect.poll(() => portfolio.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Give an http or https URL.').waitFor();
    expect(await source.getAttribute('aria-invalid')).not.toBe('true');
    await expectAccessible(page);
    expect(errors).toEqual([expect.stringMatching(/status of 422 .*\/api\/v1\/contacts$/)]);
    errors.length = 0;

    await portfolio.fill('https://emilie.example/work');
    await page.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Émilie Sørensen', level: 1 }).waitFor();
    await page.getByText('emilie.sorensen@example.org').waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: 'lead' }).count()).toBe(1);
    // The record as stored: address lines, bio and the custom fields under their labels.
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByText('Torstraße 1').waitFor();
    await details.getByText('10119 Berlin').waitFor();
    await details.getByText('Buys for three offices.').waitFor();
    await details.getByRole('definition').filter({ hasText: 'Chairs, Lamps' }).waitFor();
    expect(await details.getByRole('link', { name: 'https://emilie.example/work' }).getAttribute('href')).toBe('https://emilie.example/work');
    await page.getByRole('tabpanel', { name: 'Timeline' }).getByText('contact.created').waitFor();
    await expectAccessible(page);
    for (const tab of ['Notes', 'Tasks', 'Deals']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel', { name: tab }).getByText(`No ${tab.toLowerCase()} for this contact yet.`).waitFor();
      await expectAccessible(page);
    }

    // Search: "EM" (no accent, other case) finds Émilie; the row opens by keyboard.
    await nav.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('searchbox', { name: /^Search/ }).fill('EM');
    await page.getByRole('status').filter({ hasText: '1 contacts match' }).waitFor();
    const row = page.getByRole('link', { name: 'Émilie Sørensen' });
    expect(await page.getByRole('table').getByRole('row').count()).toBe(2);
    // The owner by name, not by id: the member who created the contact reads it as "You".
    expect(await page.getByRole('row', { name: /Émilie Sørensen/ }).getByRole('cell', { name: 'You', exact: true }).count()).toBe(1);
    await expectAccessible(page);
    await page.getByRole('searchbox', { name: /^Search/ }).fill('zz');
    await page.getByText('No contacts match “zz”.').waitFor();
    await page.getByRole('searchbox', { name: /^Search/ }).fill('sø');
    await row.waitFor();
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Émilie Sørensen', level: 1 }).waitFor();
    const contactUrl = page.url();

    // The access log lists the create, the search and the reads of this page, by who did them.
    await page.getByRole('tab', { name: 'Access log' }).click();
    const log = page.getByRole('tabpanel', { name: 'Access log' });
    await log.getByRole('cell', { name: 'crm.view' }).first().waitFor();
    expect(await log.getByRole('cell', { name: 'crm.search' }).count()).toBeGreaterThan(0);
    expect(await log.getByRole('cell', { name: 'contact.created' }).count()).toBe(1);
    expect(await log.getByRole('row', { name: /contact\.created/ }).getByRole('cell', { name: 'You', exact: true }).count()).toBe(1);
    await expectAccessible(page);

    // Fields are editable in place; the form comes back filled, custom fields included.
    await page.getByRole('button', { name: 'Edit' }).click();
    expect(await page.getByRole('group', { name: 'Interests' }).getByRole('checkbox', { name: 'Lamps' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Street').inputValue()).toBe('Torstraße 1');
    await page.getByLabel('Job title').fill('Chief Buyer');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Chief Buyer').first().waitFor();
    // The form closes once the saved record is back (the text may render a frame earlier).
    await expect.poll(() => page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await details.getByRole('definition').filter({ hasText: 'Chairs, Lamps' }).waitFor();

    // The delete dialog says what it does, and Cancel keeps the person.
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByText(/erases Émilie Sørensen's personal data for good/).waitFor();
    await settled(page);
    await expectAccessible(page, { dialog: true });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // Companies: create one, find it; its people list starts empty.
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
    await page.getByText('No contacts at this company yet.').waitFor();
    await expectAccessible(page);
    await nav.getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('searchbox', { name: /^Search/ }).fill('ak');
    await page.getByRole('status').filter({ hasText: '1 companies shown' }).waitFor();
    await page.getByRole('link', { name: 'Åkerberg Consulting' }).waitFor();

    // Émilie joins the company (picked by a search), and the company page lists her.
    await page.goto(contactUrl);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('searchbox', { name: 'Find a company' }).fill('åker');
    const company = page.getByRole('combobox', { name: 'Company' });
    await expect.poll(() => company.locator('option').count()).toBe(2);
    await company.selectOption({ label: 'Åkerberg Consulting' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await details.getByRole('link', { name: 'Åkerberg Consulting' }).click();
    await page.getByRole('heading', { name: 'Åkerberg Consulting', level: 1 }).waitFor();
    const people = page.getByRole('region', { name: 'People' });
    await people.getByRole('status').filter({ hasText: '1 person shown' }).waitFor();
    const person = people.getByRole('row', { name: /Émilie Sørensen/ });
    expect(await person.getByRole('cell', { name: 'Chief Buyer' }).count()).toBe(1);
    expect(await person.getByRole('cell', { name: 'You', exact: true }).count()).toBe(1);
    await expectAccessible(page);
    await person.getByRole('link', { name: 'Émilie Sørensen' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Émilie Sørensen', level: 1 }).waitFor();

    // The notifications bell opens a list.
    await page.getByRole('button', { name: /Notifications, none unread/ }).click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByText('Nothing new.').waitFor();
    await settled(page, 'Notifications');
    await expectAccessible(page);
    await page.keyboard.press('Escape');

    expect(errors).toEqual([]);
  });
});
