import { registerMergeHook } from '../contacts/merge.js';
import { resealRows } from '../sealed-text/index.js';

/**
 * A merge carries the merged person's notes, tasks and deals over to the kept
 * person: their text is resealed under the kept person's key (the merged
 * person's key is shredded right after). Registered once by the composition root.
 */
export function registerActivityMergeHooks(): void {
  registerMergeHook('notes', async (trx, m) => {
    await resealRows(trx, m.vault, { workspaceId: m.workspaceId, table: 'notes', column: 'body', subjectColumn: 'contact_id', fromSubject: m.mergeId, toSubject: m.keepId });
  });
  registerMergeHook('tasks', async (trx, m) => {
    await resealRows(trx, m.vault, { workspaceId: m.workspaceId, table: 'tasks', column: 'record', subjectColumn: 'subject_id', fromSubject: m.mergeId, toSubject: m.keepId });
  });
  registerMergeHook('deals', async (trx, m) => {
    await resealRows(trx, m.vault, { workspaceId: m.workspaceId, table: 'deals', column: 'record', subjectColumn: 'subject_id', fromSubject: m.mergeId, toSubject: m.keepId });
  });
}
