/** Workspaces: creating one (CLI, setup) and its settings. */
import { recordAudit } from '../../platform/audit/record.js';
import { defineModule } from '../../kernel/module.js';
import { registerWorkspaceCommands } from './cli.js';
import { workspaceFacts } from './facts.js';
import { registerWorkspaceSettingsRoutes } from './settings-routes.js';

export { workspaceDepsFor } from './runtime.js';
export { workspaceCount } from './queries.js';
export { defaultPhoneCountry, salesSeeOwnOnly } from './facts.js';
export { createWorkspace, type WorkspaceDeps } from './service.js';
export type { CreatedWorkspace } from './schemas.js';
export { OwnerEmailSchema, OwnerPasswordSchema, SlugSchema, WorkspaceNameSchema } from './schemas.js';
export { DEFAULT_READ_BUDGET_PER_HOUR } from './settings-service.js';

export const workspacesModule = defineModule({
  name: 'workspaces',
  tables: ['workspaces'],
  routes: registerWorkspaceSettingsRoutes,
  commands: (program, cli) =>
    void registerWorkspaceCommands(program, async () => {
      const rt = await cli.openRuntime();
      return { deps: { db: rt.db, vault: rt.vault, recordAudit }, close: () => rt.close() };
    }),
  hooks: { 'identity.workspace': workspaceFacts },
});
