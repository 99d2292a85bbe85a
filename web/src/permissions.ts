/**
 * What the web knows of roles and permissions is what `GET /api/v1/me` says:
 * the member's own permissions and the whole matrix (roles with their
 * descriptions and permissions), so the team page can never drift from what
 * the auth hook enforces. Only wording and order live here.
 */
import type { ApiResponse } from './api-schema.js';

export type PermissionMatrix = ApiResponse<'/api/v1/me'>['permissionMatrix'];
export type RoleEntry = PermissionMatrix['roles'][number];
export type Role = ApiResponse<'/api/v1/me'>['role'];
export type Permission = PermissionMatrix['permissions'][number];

/** Roles in the order the team page lists them (most to least powerful). */
export const ROLE_ORDER = ['owner', 'admin', 'dpo', 'sales', 'support', 'auditor'] as const satisfies readonly Role[];

/** The matrix's roles in ROLE_ORDER; a role the page does not know yet comes last rather than not at all. */
export function orderedRoles(matrix: PermissionMatrix): RoleEntry[] {
  const rank = (r: string) => {
    const i = (ROLE_ORDER as readonly string[]).indexOf(r);
    return i === -1 ? ROLE_ORDER.length : i;
  };
  return [...matrix.roles].sort((a, b) => rank(a.role) - rank(b.role));
}

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
