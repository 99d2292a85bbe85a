import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { Keyring, Vault } from '../crypto/index.js';
import { listJobs } from '../jobs/queue.js';
import { JobRunner } from '../jobs/runner.js';
import { discardMailForSubject, listOutbox, MAIL_SEND_KIND, queueMail, type QueueMailInput } from './outbox.js';
import { registerMailSender } from './sender.js';
import { loadConfig } from '../../config.js';
import { createMailTransport, DEV_FALLBACK_NOTICE, mailStartupNotice, PRODUCTION_WITHOUT_SMTP, type MailTransport } from './transport.js';

// A real SMTP peer on loopback; the sealed payload goes through the real Vault.
let t: TestDatabase;
let vault: Vault;
let server: SMTPServer;
let smtpUrl: string;
let tmp: string;
const ws = randomUUID();
const person = randomUUID();
const received: Array<{ rcpt: string[]; raw: string }> = [];
let rejectRcpt = 0;
const SEC = 1000;

function startPeer(): Promise<void> {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejectRcpt > 0) {
        rejectRcpt -= 1;
        // Like real peers, the refusal quotes the address: it must not reach last_error.
        const err = Object.assign(new Error(`<${address.address}> mailbox busy, try later`), { responseCode: 451 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const rcpt = session.envelope.rcptTo.map((r) => r.address);
        received.push({ rcpt, raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-mail-'));
  vault = new Vault(await Keyring.load({ dir: path.join(tmp, 'keys'), dataDir: path.join(tmp, 'data'), warn: () => {} }));
  await t.db.withWorkspace(ws, async (trx) => {
    await sql`insert into workspaces (id, slug, name) values (${ws}, ${`m-${ws.slice(0, 8)}`}, 'm')`.execute(trx);
    await vault.createWorkspaceKeys(trx, ws);
    await vault.createSubjectKey(trx, ws, person);
  });
  await startPeer();
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function runnerWith(transport: MailTransport): JobRunner {
  const runner = new JobRunner(t.db, { backoff: { baseSeconds: 10, maxSeconds: 3600 } });
  registerMailSender(runner, { db: t.db, sealer: vault, transport, from: 'Confidant <no-reply@confidant.test>' });
  return runner;
}

const queue = (input: Omit<QueueMailInput, 'workspaceId'>) =>
  t.db.withWorkspace(ws, (trx) => queueMail(trx, vault, { workspaceId: ws, ...input }));

async function outboxRow(id: string) {
  const [row] = await asOwner<Record<string, unknown>>(t, `select * from mail_outbox where id = $1`, [id]);
  return row!;
}

describe('mail over SMTP', () => {
  it('a queued mail arrives with the right recipient, subject and body; its payload is then dropped', async () => {
    const transport = createMailTransport({ smtpUrl, dataDir: tmp });
    const runner = runnerWith(transport);
    const id = await queue({ subjectId: person, to: 'ada.lovelace@example.org', subject: 'Your access request', text: 'Attached is everything we hold.' });
    const staff = await queue({ subjectId: null, to: ['dpo@example.net'], subject: 'New erasure request', text: 'A request arrived.' });

    expect(await runner.runOnce(new Date(Date.now() + SEC))).toMatchObject({ claimed: 2, done: 2 });
    transport.close();
    const toAda = received.find((m) => m.rcpt.includes('ada.lovelace@example.org'));
    expect(toAda?.rcpt).toEqual(['ada.lovelace@example.org']);
    expect(toAda?.raw).toMatch(/^Subject: Your access request$/m);
    expect(toAda?.raw).toContain('Attached is everything we hold.');
    expect(toAda?.raw).toMatch(/^From: Confidant <no-reply@confidant.test>$/m);
    expect(received.find((m) => m.rcpt.includes('dpo@example.net'))?.raw).toContain('A request arrived.');
    for (const outboxId of [id, staff]) {
      expect(await outboxRow(outboxId)).toMatchObject({ status: 'sent', payload: null, attempts: 1 });
    }
  });

  it('a refused attempt is retried with backoff and delivered; nothing is lost, nothing personal is stored in clear', async () => {
    received.length = 0;
    const transport = createMailTransport({ smtpUrl, dataDir: tmp });
    const runner = runnerWith(transport);
    const to = 'grace.hopper@example.org';
    const subject = 'Confirm your subscription';
    const text = 'Click to confirm: https://crm.example/p/confirm/abc123';
    const id = await queue({ subjectId: person, to, subject, text, html: `<p>${text}</p>` });
    rejectRcpt = 1;
    const t0 = new Date(Date.now() + SEC);

    expect(await runner.runOnce(t0)).toMatchObject({ claimed: 1, retried: 1 });
    expect(received).toEqual([]);
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'SMTP send failed: EENVELOPE 451 at RCPT TO' });
    expect(new Date(row.next_attempt_at as string).getTime()).toBe(t0.getTime() + 10 * SEC);
    // The raw row and the job, as an insider with a dump sees them.
    const payload = row.payload as Buffer;
    expect(Buffer.isBuffer(payload)).toBe(true);
    const jobs = await asOwner(t, `select * from jobs where kind = $1`, [MAIL_SEND_KIND]);
    const clear = [JSON.stringify(row), payload.toString('latin1'), payload.toString('utf8'), JSON.stringify(jobs)];
    for (const secret of [to, 'grace.hopper', subject, 'Click to confirm', 'abc123']) {
      for (const haystack of clear) expect(haystack).not.toContain(secret);
    }

    expect((await runner.runOnce(new Date(t0.getTime() + 9 * SEC))).claimed).toBe(0);
    expect(await runner.runOnce(new Date(t0.getTime() + 10 * SEC))).toMatchObject({ claimed: 1, done: 1 });
    transport.close();
    expect(received).toHaveLength(1);
    expect(received[0]!.rcpt).toEqual([to]);
    expect(received[0]!.raw).toContain(subject);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', payload: null, attempts: 2, last_error: null });
  });

  it('mail that keeps failing stays in the outbox, sealed, as failed', async () => {
    const dead = createMailTransport({ smtpUrl: 'smtp://127.0.0.1:1', dataDir: tmp });
    const runner = runnerWith(dead);
    const id = await queue({ subjectId: null, to: 'ops@example.net', subject: 's', text: 'b' });
    // Its last attempt, so the test reaches the end at once.
    await asOwner(t, `update jobs set attempts = max_attempts - 1 where payload->>'outboxId' = $1`, [id]);
    expect(await runner.runOnce(new Date(Date.now() + SEC))).toMatchObject({ failed: 1 });
    dead.close();
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', next_attempt_at: null });
    expect(Buffer.isBuffer(row.payload)).toBe(true);
    expect(row.last_error).toMatch(/^SMTP send failed: (ECONNECTION|ESOCKET)/);
    const [job] = (await listJobs(t.db, { kind: MAIL_SEND_KIND, state: 'failed' })).filter((j) => j.payload.outboxId === id);
    expect(job?.lastError).toBe(row.last_error);
    const failed = await t.db.withWorkspace(ws, (trx) => listOutbox(trx, { status: 'failed' }));
    expect(failed.map((m) => m.id)).toContain(id);
  });

  it("erasing the person makes their queued mail unreadable, and it is discarded, not sent", async () => {
    received.length = 0;
    const erased = randomUUID();
    await t.db.withWorkspace(ws, (trx) => vault.createSubjectKey(trx, ws, erased));
    const id = await queue({ subjectId: erased, to: 'erased@example.org', subject: 'hello', text: 'hello' });
    await t.db.withWorkspace(ws, (trx) => vault.shredSubject(trx, ws, erased));
    const transport = createMailTransport({ smtpUrl, dataDir: tmp });
    expect(await runnerWith(transport).runOnce(new Date(Date.now() + SEC))).toMatchObject({ done: 1 });
    transport.close();
    expect(received).toEqual([]);
    expect(await outboxRow(id)).toMatchObject({ status: 'discarded', payload: null });
  });

  it('erasure can discard queued mail about a subject directly', async () => {
    const subject = randomUUID();
    await t.db.withWorkspace(ws, (trx) => vault.createSubjectKey(trx, ws, subject));
    const id = await queue({ subjectId: subject, to: 'x@example.org', subject: 's', text: 't' });
    expect(await t.db.withWorkspace(ws, (trx) => discardMailForSubject(trx, subject))).toBe(1);
    expect(await outboxRow(id)).toMatchObject({ status: 'discarded', payload: null });
    const transport = createMailTransport({ smtpUrl, dataDir: tmp });
    expect(await runnerWith(transport).runOnce(new Date(Date.now() + SEC))).toMatchObject({ done: 1 });
    transport.close();
  });
});

describe('mail without SMTP_URL', () => {
  it('writes an .eml file under <dataDir>/outbox and says it is a development fallback', async () => {
    expect(mailStartupNotice({ smtpUrl: undefined })).toBe(DEV_FALLBACK_NOTICE);
    expect(DEV_FALLBACK_NOTICE).toBe('development fallback: mail is written to data/outbox, not sent');
    expect(mailStartupNotice({ smtpUrl })).toBeNull();
    const dataDir = path.join(tmp, 'data');
    const transport = createMailTransport({ smtpUrl: undefined, dataDir });
    expect(transport.kind).toBe('eml');
    const id = await queue({ subjectId: person, to: 'ada@example.org', subject: 'Fallback check', text: 'Body in a file.' });
    expect(await runnerWith(transport).runOnce(new Date(Date.now() + SEC))).toMatchObject({ done: 1 });
    const dir = path.join(dataDir, 'outbox');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(`${id}.eml`));
    expect(files).toHaveLength(1);
    const eml = fs.readFileSync(path.join(dir, files[0]!), 'utf8');
    expect(eml).toMatch(/^To: ada@example.org$/m);
    expect(eml).toMatch(/^Subject: Fallback check$/m);
    expect(eml).toContain('Body in a file.');
    expect(fs.statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', payload: null });
  });

  it('is refused in production unless MAIL_DEV_OUTBOX=1 asks for it', () => {
    const prod = loadConfig({ NODE_ENV: 'production', DATA_DIR: path.join(tmp, 'prod') });
    expect(prod.production).toBe(true);
    expect(prod.mailDevOutbox).toBe(false);
    expect(() => createMailTransport(prod)).toThrow(PRODUCTION_WITHOUT_SMTP);
    expect(PRODUCTION_WITHOUT_SMTP).toMatch(/SMTP_URL/);
    expect(PRODUCTION_WITHOUT_SMTP).toMatch(/MAIL_DEV_OUTBOX=1/);
    const asked = loadConfig({ NODE_ENV: 'production', MAIL_DEV_OUTBOX: '1', DATA_DIR: path.join(tmp, 'prod') });
    expect(createMailTransport(asked).kind).toBe('eml');
    expect(createMailTransport({ ...prod, smtpUrl }).kind).toBe('smtp');
    // Development keeps the fallback without being asked.
    expect(createMailTransport(loadConfig({ DATA_DIR: path.join(tmp, 'dev') })).kind).toBe('eml');
  });

  it('refuses a malformed SMTP_URL without repeating it', () => {
    expect(() => createMailTransport({ smtpUrl: 'http://user:hunter2@host', dataDir: tmp })).toThrow(/smtp:\/\//);
    let message = '';
    try {
      createMailTransport({ smtpUrl: 'not a url hunter2', dataDir: tmp });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/not a URL/);
    expect(message).not.toContain('hunter2');
  });
});
