/**
 * The module list: every capability of Confidant, in the order their routes
 * are registered. Adding a module is its folder plus one line here; app.ts,
 * context.ts and main.ts only walk this list (docs/architecture.md).
 */
import type { ModuleDefinition } from '../kernel/module.js';
import { activityModule } from './activity/index.js';
import { auditTrailModule } from './audit-trail/index.js';
import { companiesModule } from './companies/index.js';
import { contactsModule } from './contacts/index.js';
import { customFieldsModule } from './custom-fields/index.js';
import { dealsModule } from './deals/index.js';
import { exportsModule } from './exports/index.js';
import { identityModule } from './identity/index.js';
import { importsModule } from './imports/index.js';
import { notesModule } from './notes/index.js';
import { readsModule } from './reads/index.js';
import { segmentsModule } from './segments/index.js';
import { setupModule } from './setup/index.js';
import { tasksModule } from './tasks/index.js';
import { workspacesModule } from './workspaces/index.js';

export const MODULES: readonly ModuleDefinition[] = [
  setupModule,
  identityModule,
  workspacesModule,
  auditTrailModule,
  readsModule,
  contactsModule,
  companiesModule,
  customFieldsModule,
  dealsModule,
  notesModule,
  tasksModule,
  activityModule,
  segmentsModule,
  importsModule,
  exportsModule,
];
