import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';

/** A message as handed to a transport, opened from the outbox. */
export interface OutgoingMail {
  /** The outbox id: names the .eml file; never sent. */
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'eml';
  /** Resolves once the peer accepted the message; throws a message without addresses otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface MailTransportConfig {
  smtpUrl: string | undefined;
  dataDir: string;
  /** NODE_ENV=production: the .eml fallback then needs `mailDevOutbox`. */
  production?: boolean;
  /** MAIL_DEV_OUTBOX=1: the operator asked for the .eml fallback. */
  mailDevOutbox?: boolean;
}

export const PRODUCTION_WITHOUT_SMTP =
  'NODE_ENV=production and no SMTP_URL: mail would be written in clear to data/outbox instead of sent. ' +
  'Set SMTP_URL, or MAIL_DEV_OUTBOX=1 to keep the .eml development fallback on purpose.';

/**
 * Refuses the .eml fallback in production unless asked for: its files hold
 * personal data in clear, and a forgotten SMTP_URL would otherwise pass
 * unnoticed but for one log line while every invitation and reset link piles
 * up on disk.
 */
export function assertMailConfig(config: Pick<MailTransportConfig, 'smtpUrl' | 'production' | 'mailDevOutbox'>): void {
  if (!config.smtpUrl && config.production === true && config.mailDevOutbox !== true) throw new Error(PRODUCTION_WITHOUT_SMTP);
}

export const DEV_FALLBACK_NOTICE = 'development fallback: mail is written to data/outbox, not sent';

/** The line the server logs at start when mail is not sent (no SMTP_URL); null when it is. */
export function mailStartupNotice(config: Pick<MailTransportConfig, 'smtpUrl'>): string | null {
  return config.smtpUrl ? null : DEV_FALLBACK_NOTICE;
}

export function createMailTransport(config: MailTransportConfig): MailTransport {
  assertMailConfig(config);
  return config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new EmlFileTransport(path.join(config.dataDir, 'outbox'));
}

/**
 * Checks SMTP_URL's shape at start. The URL carries the password, so the
 * error never repeats it.
 */
export function assertSmtpUrl(smtpUrl: string): void {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL is not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
  if (!url.hostname) throw new Error('SMTP_URL has no host');
}

interface SmtpErrorShape {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

/**
 * nodemailer's messages quote the peer's reply, which often repeats the
 * recipient ("550 <ada@…>: unknown user"). Keep the command, error code and
 * SMTP status only: enough to diagnose, nothing personal.
 */
export function describeSmtpError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorShape;
  const code = typeof e.code === 'string' && /^[A-Z_]{2,20}$/.test(e.code) ? e.code : 'ERROR';
  const status = typeof e.responseCode === 'number' ? ` ${e.responseCode}` : '';
  const command = typeof e.command === 'string' && /^[A-Z ]{2,12}$/.test(e.command) ? ` at ${e.command}` : '';
  return `SMTP send failed: ${code}${status}${command}`;
}

class SmtpTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;

  constructor(smtpUrl: string) {
    assertSmtpUrl(smtpUrl);
    this.transporter = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transporter.sendMail(toNodemailer(mail));
    } catch (err) {
      // eslint-disable-next-line preserve-caught-error -- no cause on purpose: it may quote personal values into logs
      throw new Error(describeSmtpError(err));
    }
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * Development fallback: the RFC 5322 message nodemailer would have sent,
 * written to <dataDir>/outbox/<time>-<id>.eml (0600, directory 0700). These
 * files hold personal data in clear: not for production.
 */
class EmlFileTransport implements MailTransport {
  readonly kind = 'eml';
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(readonly dir: string) {}

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.composer.sendMail(toNodemailer(mail));
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`;
    const tmp = path.join(this.dir, `.${name}.tmp`);
    // Write then rename: a crash never leaves half a message that looks whole.
    await fs.writeFile(tmp, info.message, { mode: 0o600 });
    await fs.rename(tmp, path.join(this.dir, name));
  }

  close(): void {}
}

function toNodemailer(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    ...(mail.replyTo !== undefined ? { replyTo: mail.replyTo } : {}),
  };
}
