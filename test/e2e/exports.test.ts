import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, expectAccessible, launchChromium, settled, signedInOwner, startE2eServer, watchErrors, type E2eServer } from '../helpers/browser.js';

/** A real SMTP peer: the alert must reach the owner's inbox, not a file. */
const received: Array<{ rcpt: string[]; raw: string }> = [];
const peer = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});
const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe('exporting contacts in the browser', () => {
  let e2e: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    e2e = await startE2eServer({ smtpUrl: `smtp://127.0.0.1:${(peer.server.address() as AddressInfo).port}` });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
    await new Promise<void>((resolve) => peer.close(() => resolve()));
  });

  it('the owner exports, downloads the file, and hears of it by mail and in the bell', { timeout: 240_000 }, async () => {
    const { context, ownerEmail } = await signedInOwner(e2e.server, browser, 'export-crm');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(e2e.url('/app'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).waitFor();
    for (const [firstName, lastName] of [['Ottilie', 'Brandvold'], ['=cmd', 'Formula']]) {
      expect((await apiCall(page, 'POST', '/api/v1/contacts', { firstName, lastName, emails: [], lawfulBasis: 'contract', source: 'e2e' })).status).toBe(201);
    }

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Export' }).click();
    const section = page.getByRole('region', { name: 'Export contacts' });
    await section.waitFor();
    await section.getByRole('radio', { name: 'CSV (spreadsheets)' }).check();
    await expectAccessible(page);
    await section.getByRole('button', { name: 'Create export' }).click();
    const link = section.getByRole('link', { name: 'Download the CSV file' });
    await link.waitFor();
    await section.getByText('2 contacts.').waitFor();
    await expectAccessible(page);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = fs.readFileSync(await download.path(), 'utf8');
    expect(file).toMatch(/^id,firstName,lastName,/);
    expect(file).toContain('Ottilie,Brandvold');
    expect(file).toContain("'=cmd,Formula");

    // The alert: a mail through the real SMTP peer (the test runs the mail jobs), and the bell.
    for (let i = 0; i < 20 && (await e2e.server.ctx.jobs.runOnce(e2e.server.ctx.now())).claimed > 0; i++);
    const mine = received.filter((m) => m.rcpt.includes(ownerEmail)).map((m) => unfold(m.raw));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain(`${ownerEmail} exported 2 contacts (CSV)`);
    expect(mine[0]).not.toContain('Ottilie');

    const bell = page.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByText(/Contacts exported: user [0-9a-f]{8} exported 2 contacts as CSV\./).waitFor();
    // Axe measures contrast on what is painted: wait for the popover's fade-in to end.
    await settled(page, 'Notifications');
    await expectAccessible(page, { dialog: true });
    expect(errors).toEqual([]);
  });
});
