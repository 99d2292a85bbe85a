import { PERMISSIONS, type Permission, type Role } from '../../../kernel/access.js';

/**
 * The permission matrix: the one place that says what each role may do.
 * docs/security.md and the team page show it; routes name a permission (the
 * kernel's vocabulary) and the auth hook checks it.
 */
const ALL: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ALL,
  admin: ALL,
  dpo: [
    'contacts:read',
    'contacts:write',
    'contacts:delete',
    'contacts:export',
    'special_category:read',
    'audit:read',
    'compliance:read',
    'compliance:manage',
  ],
  sales: ['contacts:read', 'contacts:write'],
  support: ['contacts:read'],
  auditor: ['audit:read', 'compliance:read'],
};

/** What each role is for, as the team page and docs/security.md say it. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  owner: 'Everything, including managing owners and the workspace itself.',
  admin: 'Everything except managing owners.',
  dpo: 'Personal data, exports and erasure, the audit trail and compliance records.',
  sales: 'Reads and edits contacts, companies, deals, notes and tasks.',
  support: 'Reads contacts; cannot modify, export or delete personal data.',
  auditor: 'The audit trail and compliance records; no personal fields.',
};

/** Roles that must enrol in 2FA before reaching anything else. */
export const ROLES_REQUIRING_2FA: ReadonlySet<Role> = new Set<Role>(['owner', 'admin', 'dpo']);

/** Ranks for "grant only roles at or below your own". */
const RANK: Readonly<Record<Role, number>> = { owner: 5, admin: 4, dpo: 3, sales: 2, support: 1, auditor: 1 };

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}

/**
 * May `actor` give (or take away) `target`? Only members with members:manage
 * grant roles at all; nobody grants above their own rank; only owners touch owners.
 */
export function mayGrantRole(actor: Role, target: Role): boolean {
  if (!permissionsOf(actor).has('members:manage')) return false;
  if (target === 'owner' || actor === 'owner') return actor === 'owner';
  return RANK[target] <= RANK[actor];
}

/**
 * May `actor` reset `target`'s second factor? Owners reset anyone's; admins
 * only the roles below them that 2FA does not bind (sales, support,
 * auditor): an admin who could reset another admin's or the DPO's factor
 * could take over that account with its password alone. Nobody else resets
 * 2FA, and a token never does (the route refuses tokens whatever their scopes).
 */
export function mayResetTotp(actor: Role, target: Role): boolean {
  if (!permissionsOf(actor).has('members:manage')) return false;
  return actor === 'owner' || RANK[target] < RANK.dpo;
}

/** `all` for a token is every scope but the two that manage people and tokens. */
export const MANAGE_SCOPES: ReadonlySet<Permission> = new Set<Permission>(['members:manage', 'tokens:manage']);

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
