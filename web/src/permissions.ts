/**
 * The server's permission matrix, imported from its one source so the team
 * page can never drift from what the auth hook enforces. The import is
 * type-erased apart from the constants (permissions.ts imports only a type).
 */
export {
  PERMISSIONS,
  ROLE_DESCRIPTIONS,
  ROLE_PERMISSIONS,
  type Permission,
} from '../../src/modules/identity/members/permissions.js';
export type { Role } from '../../src/modules/identity/members/users.js';

/** Roles in the order the team page lists them (most to least powerful). */
export const ROLE_ORDER = ['owner', 'admin', 'dpo', 'sales', 'support', 'auditor'] as const;

/** Plain-language names for the permission strings. */
export const PERMISSION_LABELS: Readonly<Record<string, string>> = {
  'contacts:read': 'Read contacts',
  'contacts:write': 'Create and edit contacts',
  'contacts:delete': 'Delete contacts',
  'contacts:export': 'Export contacts',
  'special_category:read': 'Read special-category fields',
  'audit:read': 'Read the audit trail',
  'compliance:read': 'Read compliance records',
  'compliance:manage': 'Manage compliance records',
  'workspace:manage': 'Manage workspace settings',
  'members:manage': 'Manage members',
  'tokens:manage': 'Manage API tokens',
};

/** Whether the signed-in member may export contacts (the Export action is shown only then; the server checks again). */
export const canExport = (me: { permissions: readonly string[] }): boolean => me.permissions.includes('contacts:export');
