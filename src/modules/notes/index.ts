/** Notes (docs/crm-deals-notes-tasks.md). */
export { registerNoteRoutes } from './routes.js';
export { createNote, updateNote, deleteNote, listNotes, type Note, type NoteAbout } from './service.js';
