/** Notes (docs/crm-deals-notes-tasks.md). */
import { defineModule } from '../../kernel/module.js';
import { resealRows } from '../../platform/crypto/sealed-text.js';
import { registerNoteRoutes } from './routes.js';

export { createNote, updateNote, deleteNote, listNotes, type Note, type NoteAbout } from './service.js';

export const notesModule = defineModule({
  name: 'notes',
  tables: ['notes'],
  routes: registerNoteRoutes,
  hooks: {
    // A merge carries the merged person's notes over: their text is resealed under the kept person's key (the merged person's key is shredded next).
    'contacts.merged': (trx, m) =>
      resealRows(trx, m.vault, { workspaceId: m.workspaceId, table: 'notes', column: 'body', subjectColumn: 'contact_id', fromSubject: m.mergeId, toSubject: m.keepId }).then(() => undefined),
  },
});
