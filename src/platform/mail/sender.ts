import { sql } from 'kysely';
import type { Database, Trx } from '../db/database.js';
import { safeErrorText } from '../jobs/queue.js';
import { PermanentJobError, type JobContext, type JobRunner } from '../jobs/runner.js';
import { MAIL_SEND_KIND, outboxTarget, type MailStatus, type SealedMail, type Sealer } from './outbox.js';
import type { MailTransport } from './transport.js';

export interface MailSenderOptions {
  db: Database;
  sealer: Sealer;
  transport: MailTransport;
  /** The From header (MAIL_FROM). */
  from: string;
}

interface OutboxRow {
  subject_id: string | null;
  status: MailStatus;
  payload: Buffer | null;
  record_version: number;
}

/** Registers the `mail.send` job handler on a runner. */
export function registerMailSender(runner: JobRunner, options: MailSenderOptions): void {
  runner.register(MAIL_SEND_KIND, (ctx) => sendOne(options, ctx));
}

/**
 * One delivery attempt, in three steps so that no transaction is open while
 * the SMTP peer is talking: open the sealed payload, send, record. A crash
 * between the send and the record sends the message again on the next
 * attempt (at least once, never lost).
 */
async function sendOne(options: MailSenderOptions, ctx: JobContext): Promise<void> {
  const { workspaceId } = ctx;
  const outboxId = ctx.payload.outboxId;
  if (!workspaceId || typeof outboxId !== 'string') throw new PermanentJobError('mail.send job without workspace or outbox id');
  const mail = await options.db.withWorkspace(workspaceId, (trx) => openMail(trx, options.sealer, workspaceId, outboxId));
  if (!mail) return;
  try {
    await options.transport.send({ ...mail, id: outboxId, from: options.from });
  } catch (err) {
    const message = safeErrorText(err);
    await options.db.withWorkspace(workspaceId, (trx) =>
      sql`update mail_outbox set attempts = attempts + 1, last_error = ${message}, updated_at = now(),
            status = ${ctx.retryAt ? 'queued' : 'failed'}, next_attempt_at = ${ctx.retryAt}
          where id = ${outboxId} and status in ('queued', 'failed')`.execute(trx),
    );
    // eslint-disable-next-line preserve-caught-error -- no cause on purpose: it may quote personal values into logs
    throw new Error(message);
  }
  // Sent: the payload goes, so delivered mail does not linger in the database.
  await options.db.withWorkspace(workspaceId, (trx) =>
    sql`update mail_outbox set status = 'sent', payload = null, attempts = attempts + 1, last_error = null,
          next_attempt_at = null, sent_at = now(), updated_at = now()
        where id = ${outboxId} and status in ('queued', 'failed')`.execute(trx),
  );
}

/**
 * The message to send, or null when there is nothing to do: already sent,
 * discarded, or about a person who was erased meanwhile (their key is gone,
 * so the mail is discarded rather than retried).
 */
async function openMail(trx: Trx, sealer: Sealer, workspaceId: string, id: string): Promise<SealedMail | null> {
  const r = await sql<OutboxRow>`select subject_id, status, payload, record_version from mail_outbox
    where id = ${id} for update`.execute(trx);
  const row = r.rows[0];
  if (!row || !row.payload || row.status === 'sent' || row.status === 'discarded') return null;
  try {
    return await sealer.openJson<SealedMail>(trx, outboxTarget(workspaceId, row.subject_id, id, row.record_version), row.payload);
  } catch (err) {
    // eslint-disable-next-line preserve-caught-error -- no cause on purpose: it may quote personal values into logs
    if (codeOf(err) !== 'shredded') throw new Error(`mail payload could not be opened (${codeOf(err) ?? 'error'})`);
    await sql`update mail_outbox set status = 'discarded', payload = null, updated_at = now(),
                last_error = 'data subject erased' where id = ${id}`.execute(trx);
    return null;
  }
}

function codeOf(err: unknown): string | null {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[a-z_]{1,30}$/.test(code) ? code : null;
}
