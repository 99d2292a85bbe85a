/** The signed-in area's navigation; an item shows only when the server's permissions include its own. */
export interface NavItem {
  to: string;
  label: string;
  /** Absent: every signed-in member. */
  permission?: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/app', label: 'Home' },
  { to: '/contacts', label: 'Contacts', permission: 'contacts:read' },
  { to: '/companies', label: 'Companies', permission: 'contacts:read' },
  { to: '/deals', label: 'Deals', permission: 'contacts:read' },
  { to: '/team', label: 'Team', permission: 'members:manage' },
  { to: '/tokens', label: 'API tokens', permission: 'tokens:manage' },
  { to: '/audit', label: 'Audit trail', permission: 'audit:read' },
  { to: '/workspace', label: 'Workspace settings', permission: 'workspace:manage' },
  { to: '/account', label: 'Account security' },
];

export function visibleNav(permissions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((i) => i.permission === undefined || permissions.includes(i.permission));
}
