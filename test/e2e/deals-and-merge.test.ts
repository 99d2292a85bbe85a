import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiCall as call, expectAccessible, launchChromium, settled, signedInOwner, startE2eServer, watchErrors, type E2eServer } from '../helpers/browser.js';

interface Deal {
  id: string;
  stageId: string;
}

describe('the deals board and the duplicate merge in the browser', () => {
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

  it('moves a deal by drag and drop and by keyboard, then merges a duplicate', { timeout: 240_000 }, async () => {
    const { context, workspaceId } = await signedInOwner(e2e.server, browser, 'deals-crm');
    const salesId = await addMember(e2e.server, workspaceId, 'sales@deals-crm.example', 'sales');
    const page = await context.newPage();
    const errors = watchErrors(page);
    const nav = page.getByRole('navigation', { name: 'Main' });

    await page.goto(e2e.url('/app'));
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
    // Made in the browser, the deal is owned by its maker, named rather than shown as an id.
    await card.getByText('Owner: You').waitFor();
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
    await page.goto(e2e.url(`/contacts/${kept.data.id}`));
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
    await expectAccessible(page, { dialog: true });
    await dialog.getByRole('button', { name: 'Merge and erase the duplicate' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.waitForURL(e2e.url(`/contacts/${kept.data.id}`));
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

    // Edit the task in its dialog: title, due date, assignee (a member picked by email) and done.
    interface TaskView { title: string; dueAt: string | null; assigneeId: string | null; done: boolean }
    const taskOf = async () => (await call<{ items: TaskView[] }>(page, 'GET', `/api/v1/tasks?contactId=${kept.data.id}`)).data.items;
    await tasks.getByRole('button', { name: 'Edit task: Send the demo invite' }).click();
    const editDialog = page.getByRole('dialog', { name: 'Edit task “Send the demo invite”' });
    await settled(page, 'Edit task “Send the demo invite”');
    await expectAccessible(page, { dialog: true });
    await editDialog.getByLabel('Title', { exact: true }).fill('Send the demo invite and agenda');
    await editDialog.getByLabel('Due date').fill('2030-02-01');
    await editDialog.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'sales@deals-crm.example' });
    await editDialog.getByRole('checkbox', { name: 'Done' }).uncheck();
    await editDialog.getByRole('button', { name: 'Save task' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const dueAt = await page.evaluate(() => new Date('2030-02-01T09:00:00').toISOString());
    await expect.poll(taskOf).toEqual([expect.objectContaining({ title: 'Send the demo invite and agenda', dueAt, assigneeId: salesId, done: false })]);
    const edited = tasks.getByRole('row', { name: /Send the demo invite and agenda/ });
    await edited.getByRole('cell', { name: 'sales@deals-crm.example' }).waitFor();
    expect(await edited.getByRole('checkbox', { name: 'Done: Send the demo invite and agenda' }).isChecked()).toBe(false);
    // Focus is back on the button that opened the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit task: Send the demo invite and agenda');
    await expectAccessible(page);

    // Delete it: the dialog asks first, then the list is empty and focus goes to the new-task field.
    await edited.getByRole('button', { name: 'Delete task: Send the demo invite and agenda' }).click();
    await settled(page, 'Delete task “Send the demo invite and agenda”?');
    await expectAccessible(page, { dialog: true });
    await page.getByRole('dialog').getByRole('button', { name: 'Delete task' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await tasks.getByText('No tasks for this contact yet.').waitFor();
    await expect.poll(taskOf).toEqual([]);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent ?? '')).toBe('New task');
    await expectAccessible(page);
    await page.getByRole('tab', { name: 'Deals' }).click();
    const deals = page.getByRole('tabpanel', { name: 'Deals' });
    await deals.getByRole('cell', { name: 'Fleet renewal' }).waitFor();
    await deals.getByLabel('New deal').fill('Spare parts');
    await deals.getByRole('button', { name: 'Add deal' }).click();
    await deals.getByRole('cell', { name: 'Spare parts' }).waitFor();
    expect(await deals.getByRole('row', { name: /Spare parts/ }).getByRole('cell', { name: 'You', exact: true }).count()).toBe(1);
    const spare = (await call<{ items: Array<Deal & { title: string }> }>(page, 'GET', `/api/v1/deals?contactId=${kept.data.id}`)).data.items.find((x) => x.title === 'Spare parts');
    expect(spare?.stageId).toBe(leadStage);
    await expectAccessible(page);

    // The duplicate is gone.
    await page.goto(e2e.url(`/contacts/${dup.data.id}`));
    await page.getByText('No such contact').waitFor();
    await expectAccessible(page);
    const gone = new RegExp(`status of 404 .*/api/v1/contacts/${dup.data.id}$`);
    expect(errors.filter((e) => !gone.test(e))).toEqual([]);
  });
});
