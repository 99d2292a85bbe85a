import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { assertUuid, type Trx } from '../db/database.js';
import { enqueue } from '../jobs/queue.js';
import type { SealTarget } from '../crypto/index.js';

/**
 * The outbox: mail waits here, sealed, until the SMTP peer takes it. Queueing
 * happens in the caller's transaction together with the job that sends it,
 * so mail exists exactly when the work that caused it committed.
 */

export interface MailOutboxTable {
  workspace_id: string;
  id: string;
  subject_id: string | null;
  job_id: string | null;
  status: MailStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  payload: Buffer | null;
  record_version: number;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

declare module '../db/schema.js' {
  interface DB {
    mail_outbox: MailOutboxTable;
  }
}

export type MailStatus = 'queued' | 'sent' | 'failed' | 'discarded';

export type { SealTarget };

/** What the outbox needs of the Vault (src/platform/crypto): structural, so tests and the real one fit. */
export interface Sealer {
  sealJson(trx: Trx, target: SealTarget, value: unknown): Promise<Buffer>;
  openJson<T>(trx: Trx, target: SealTarget, ciphertext: Buffer): Promise<T>;
}

/** Everything personal about a message: sealed as one payload. */
export interface SealedMail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
}

export interface QueueMailInput {
  workspaceId: string;
  /** The data subject the mail is about or to: sealed under their key. Null: staff mail (workspace key). */
  subjectId: string | null;
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
}

export const MAIL_SEND_KIND = 'mail.send';
/** With the default backoff (10 s doubling, capped at 1 h) this keeps trying for about 9 hours. */
export const MAIL_MAX_ATTEMPTS = 15;

const ADDRESS_RE = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

export function outboxTarget(workspaceId: string, subjectId: string | null, id: string, recordVersion: number): SealTarget {
  return { workspaceId, subjectId, table: 'mail_outbox', rowId: id, column: 'payload', recordVersion };
}

function validate(input: QueueMailInput): SealedMail {
  assertUuid(input.workspaceId, 'workspace id');
  if (input.subjectId !== null) assertUuid(input.subjectId, 'subject id');
  const to = Array.isArray(input.to) ? input.to : [input.to];
  // Messages never name the address: they end up in logs and problem details.
  if (to.length === 0 || to.length > 50) throw new Error('a mail needs 1 to 50 recipients');
  if (!to.every((a) => ADDRESS_RE.test(a))) throw new Error('a recipient is not a plain email address');
  if (/[\r\n]/.test(input.subject)) throw new Error('a mail subject cannot contain line breaks');
  return {
    to,
    subject: input.subject,
    text: input.text,
    ...(input.html !== undefined ? { html: input.html } : {}),
    ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
  };
}

/**
 * Seals the message, stores it and enqueues its send job, all in `trx` (a
 * transaction of `input.workspaceId`). For a subject, their key must exist
 * (vault.createSubjectKey). Returns the outbox id.
 */
export async function queueMail(trx: Trx, sealer: Sealer, input: QueueMailInput): Promise<string> {
  const mail = validate(input);
  const id = randomUUID();
  const payload = await sealer.sealJson(trx, outboxTarget(input.workspaceId, input.subjectId, id, 1), mail);
  const jobId = await enqueue(trx, {
    kind: MAIL_SEND_KIND,
    payload: { outboxId: id },
    workspaceId: input.workspaceId,
    maxAttempts: MAIL_MAX_ATTEMPTS,
  });
  await sql`insert into mail_outbox (workspace_id, id, subject_id, job_id, payload, next_attempt_at)
    values (${input.workspaceId}, ${id}, ${input.subjectId}, ${jobId}, ${payload}, now())`.execute(trx);
  return id;
}

/**
 * Drops the queued and failed mail about a subject (erasure): the payload is
 * deleted and the row kept as "discarded" so the send job finds nothing to do.
 */
export async function discardMailForSubject(trx: Trx, subjectId: string): Promise<number> {
  const r = await sql`update mail_outbox set status = 'discarded', payload = null, updated_at = now()
    where subject_id = ${subjectId} and status in ('queued', 'failed')`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export interface OutboxEntry {
  id: string;
  subjectId: string | null;
  jobId: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The workspace's outbox without payloads (for operators and the UI), newest first. */
export async function listOutbox(trx: Trx, options: { status?: MailStatus; limit?: number } = {}): Promise<OutboxEntry[]> {
  let q = trx
    .selectFrom('mail_outbox')
    .select(['id', 'subject_id', 'job_id', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'sent_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
  if (options.status) q = q.where('status', '=', options.status);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    subjectId: r.subject_id,
    jobId: r.job_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}
