import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.js';
import { registerAuditTrailRoutes } from './audit-trail/routes.js';
import { registerActivityMergeHooks } from './activity/merge-hooks.js';
import { registerTimelineRoutes } from './activity/timeline.js';
import { registerMergeRoutes } from './contacts/merge-routes.js';
import { registerSegmentRoutes } from './segments/index.js';
import { registerCompanyRoutes } from './companies/routes.js';
import { registerContactRoutes } from './contacts/routes.js';
import { registerCustomFieldRoutes } from './custom-fields/routes.js';
import { registerDealRoutes, registerPipelineRoutes } from './deals/index.js';
import { registerNoteRoutes } from './notes/index.js';
import { registerTaskRoutes } from './tasks/index.js';
import { registerAuthRoutes } from './identity/auth-routes.js';
import { registerInvitationRoutes } from './identity/invitations-routes.js';
import { registerMeRoutes } from './identity/me-routes.js';
import { registerMemberRoutes } from './identity/members-routes.js';
import { registerTokenRoutes } from './identity/tokens-routes.js';
import { registerTotpRoutes } from './identity/totp-routes.js';
import { registerImportRoutes } from './imports/routes.js';
import { registerNotificationRoutes } from './reads/index.js';
import { registerExportRoutes } from './exports/index.js';
import { registerSetupRoutes } from './setup/routes.js';
import { registerWorkspaceSettingsRoutes } from './workspaces/settings-routes.js';

/** Every module's routes, in the order they are registered (the composition root's list). */
export const registerModules: Array<(app: FastifyInstance, ctx: AppContext) => Promise<void> | void> = [
  registerSetupRoutes,
  registerMeRoutes,
  registerAuthRoutes,
  registerTotpRoutes,
  registerMemberRoutes,
  registerInvitationRoutes,
  registerTokenRoutes,
  registerWorkspaceSettingsRoutes,
  registerAuditTrailRoutes,
  registerNotificationRoutes,
  registerContactRoutes,
  registerCompanyRoutes,
  registerCustomFieldRoutes,
  registerPipelineRoutes,
  registerDealRoutes,
  registerNoteRoutes,
  registerTaskRoutes,
  registerTimelineRoutes,
  registerSegmentRoutes,
  registerMergeRoutes,
  registerImportRoutes,
  registerExportRoutes,
];

// A merge carries notes, tasks and deals over (resealed under the kept person's key).
registerActivityMergeHooks();
