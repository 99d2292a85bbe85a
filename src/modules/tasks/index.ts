/** Tasks (docs/crm-deals-notes-tasks.md). */
export { registerTaskRoutes } from './routes.js';
export { createTask, updateTask, deleteTask, taskRows, taskViews, type Task, type TaskInput, type TaskPatch } from './service.js';
