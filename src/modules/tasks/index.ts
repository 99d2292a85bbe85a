/** Tasks (docs/crm-deals-notes-tasks.md). */
import { defineModule } from '../../kernel/module.js';
import { resealRows } from '../../platform/crypto/sealed-text.js';
import { registerTaskRoutes } from './routes.js';

export { createTask, updateTask, deleteTask, taskRows, taskViews, type Task, type TaskInput, type TaskPatch } from './service.js';

export const tasksModule = defineModule({
  name: 'tasks',
  tables: ['tasks'],
  routes: registerTaskRoutes,
  hooks: {
    // A merge carries the merged person's tasks over: their text is resealed under the kept person's key (the merged person's key is shredded next).
    'contacts.merged': (trx, m) =>
      resealRows(trx, m.vault, { workspaceId: m.workspaceId, table: 'tasks', column: 'record', subjectColumn: 'subject_id', fromSubject: m.mergeId, toSubject: m.keepId }).then(() => undefined),
  },
});
