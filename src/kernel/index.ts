/** The kernel below the modules: what every module is built from and how it is declared. */
export { ROLES, PERMISSIONS, ROUTE_ACCESS, type Role, type Permission, type RouteAccess, type RoutePermission } from './access.js';
export { auditActor, requireAuth, type AuditActor, type AuthState, type SessionStage } from './auth.js';
export { describeCliError } from './cli.js';
export type { AppContext } from './context.js';
export { Hooks, type HookHandlers, type HookName, type HookPoints } from './hooks.js';
export { defineModule, type CliKit, type JobDefinition, type ModuleDefinition, type OperatorRuntime, type ReindexerDefinition } from './module.js';
export { inWorkspace } from './route.js';
