/**
 * Reads of personal data are on the record (DESIGN.md data rules 4 and 8,
 * THREATS.md "Reading many people", actor C, docs/reading-many-people.md).
 * Every route whose answer shows people declares `config.reads` and answers
 * through `showing()` (answer.ts), which calls `recordPersonalRead` inside the
 * request's workspace transaction before it commits.
 */
import { defineModule } from '../../kernel/module.js';
import { purgeReadLedger as purgeLedger } from './ledger.js';
import { registerNotificationRoutes as notificationRoutes } from './routes.js';

export {
  recordPersonalRead,
  ReadBudgetRefusal,
  type PersonalRead,
  type ReadPurpose,
  type ReadWho,
} from './record.js';
export { READ_BUDGET_KIND } from './alert.js';
export { purgeReadLedger, WINDOW_MS as READ_WINDOW_MS } from './ledger.js';
export {
  notifyMembers,
  listNotifications,
  markNotificationRead,
  type NotificationPayload,
  type NotificationPage,
  type NotificationView,
  type NotifyMembersInput,
} from './notifications.js';
export { registerNotificationRoutes } from './routes.js';
export { showing, installReadAnswerRule, personalFieldsOf, PERSONAL_FIELDS, type Shown } from './answer.js';

export const readsModule = defineModule({
  name: 'reads',
  tables: ['read_ledger', 'read_window_counts', 'read_alerts', 'notifications'],
  routes: notificationRoutes,
  // Read-budget rows older than the rolling hour count for nothing (docs/reading-many-people.md).
  jobs: [{ kind: 'reads.ledger_purge', every: 3_600, run: async (ctx) => void (await purgeLedger(ctx)) }],
});
