export {
  queueMail,
  discardMailForSubject,
  listOutbox,
  outboxTarget,
  MAIL_SEND_KIND,
  MAIL_MAX_ATTEMPTS,
  type MailOutboxTable,
  type MailStatus,
  type OutboxEntry,
  type QueueMailInput,
  type SealedMail,
  type SealTarget,
  type Sealer,
} from './outbox.js';
export {
  createMailTransport,
  assertMailConfig,
  PRODUCTION_WITHOUT_SMTP,
  mailStartupNotice,
  assertSmtpUrl,
  describeSmtpError,
  DEV_FALLBACK_NOTICE,
  type MailTransport,
  type MailTransportConfig,
  type OutgoingMail,
} from './transport.js';
export { registerMailSender, type MailSenderOptions } from './sender.js';
