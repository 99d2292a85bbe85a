/** Identity: members, sign-in, sessions, 2FA, invitations and API tokens; who may do what. */
import { defineModule } from '../../kernel/module.js';
import { registerAuthRoutes } from './auth/auth-routes.js';
import { purgeThrottle } from './auth/throttle.js';
import { registerInvitationRoutes } from './members/invitations-routes.js';
import { registerMeRoutes } from './members/me-routes.js';
import { registerMemberRoutes } from './members/members-routes.js';
import { EMAIL_INDEX, reindexUserEmails } from './members/users.js';
import { registerTokenCommands } from './tokens/tokens-cli.js';
import { registerTokenRoutes } from './tokens/tokens-routes.js';
import { registerUserCommands } from './totp/totp-cli.js';
import { registerTotpRoutes } from './totp/totp-routes.js';

// The door: what other modules, the composition root and the test helpers use.
export { installAuthHook } from './auth/auth-hook.js';
export { createSession, SESSION_COOKIE } from './auth/sessions.js';
export { notifyOwners } from './members/members-queries.js';
export { createUser, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type UserVault } from './members/users.js';
export { insertApiToken } from './tokens/tokens.js';
export { actorLabels, isMember, membersWithRoles, type ActorLabels, type Recipient } from './directory.js';
export type { WorkspaceFacts, WorkspaceFactsReader } from './workspace-facts.js';

export const identityModule = defineModule({
  name: 'identity',
  tables: ['users', 'sessions', 'api_tokens', 'invitations', 'password_resets', 'recovery_codes', 'auth_throttle'],
  routes: (app, ctx) => {
    registerMeRoutes(app, ctx);
    registerAuthRoutes(app, ctx);
    registerTotpRoutes(app, ctx);
    registerMemberRoutes(app, ctx);
    registerInvitationRoutes(app, ctx);
    registerTokenRoutes(app, ctx);
  },
  jobs: [{ kind: 'auth.throttle_purge', every: 3_600, run: async (ctx) => void (await purgeThrottle(ctx)) }],
  reindexers: [{ name: EMAIL_INDEX, run: (vault, trx, workspaceId) => reindexUserEmails(trx, vault, workspaceId).then(() => undefined) }],
  commands: (program, cli) => {
    registerUserCommands(program, cli);
    registerTokenCommands(program, cli);
  },
  // Workspaces gives the handler (workspace-facts.ts): identity may not import the module above it.
  offers: ['identity.workspace'],
});
