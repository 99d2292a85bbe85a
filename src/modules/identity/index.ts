/** Identity: members, sign-in, sessions, 2FA, invitations and API tokens; who may do what. */
import { defineModule } from '../../kernel/module.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerInvitationRoutes } from './invitations-routes.js';
import { registerMeRoutes } from './me-routes.js';
import { registerMemberRoutes } from './members-routes.js';
import { purgeThrottle } from './throttle.js';
import { registerTokenCommands } from './tokens-cli.js';
import { registerTokenRoutes } from './tokens-routes.js';
import { registerUserCommands } from './totp-cli.js';
import { registerTotpRoutes } from './totp-routes.js';
import { EMAIL_INDEX, reindexUserEmails } from './users.js';

// The door: what other modules use.
export { actorLabels, membersWithRoles, type ActorLabels, type Recipient } from './directory.js';
export { createUser, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type UserVault } from './users.js';
export { notifyOwners } from './members-queries.js';
export { isMember } from './directory.js';

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
});
