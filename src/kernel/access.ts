/**
 * The words every route and every member share: roles, the permissions a
 * route declares, and the declarations that are not permissions. Identity
 * owns who has which (its permission matrix); every module names these.
 */
export const ROLES = ['owner', 'admin', 'dpo', 'sales', 'support', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes of API tokens are the same strings. */
export const PERMISSIONS = [
  'contacts:read',
  'contacts:write',
  'contacts:delete',
  'contacts:export',
  'special_category:read',
  'audit:read',
  'compliance:read',
  'compliance:manage',
  'workspace:manage',
  'members:manage',
  'tokens:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Route declarations that are not permissions: who may reach a route at all. */
export const ROUTE_ACCESS = [
  'public', // no sign-in
  'authenticated', // any signed-in member or token, fully authenticated
  'self', // a signed-in member's own account (reachable while 2FA enrolment is pending)
  'auth:totp', // the 2FA challenge: a session that passed the password but not yet the second factor
  'auth:enrolment', // TOTP enrolment: reachable before enrolment is complete
  'auth:signout', // any session, whatever its stage
] as const;
export type RouteAccess = (typeof ROUTE_ACCESS)[number];

/** What a route declares it needs; a test walks every route and fails on one without a declaration. */
export type RoutePermission = Permission | RouteAccess;
