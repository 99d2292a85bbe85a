import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, mayGrantRole, mayResetTotp, permissionsOf } from './permissions.js';
import { PERMISSIONS } from '../../../kernel/access.js';
import { resolveScopes } from '../tokens/tokens-routes.js';
import { ROLES } from '../../../kernel/access.js';

describe('the permission matrix', () => {
  it('docs/identity-roles-and-tokens.md shows exactly the matrix the code enforces', () => {
    const doc = fs.readFileSync(new URL('../../../../docs/identity-roles-and-tokens.md', import.meta.url), 'utf8');
    const header = doc.split('\n').find((l) => /^\| permission \|/.test(l));
    expect(header).toBeDefined();
    const roles = header!.split('|').slice(2, -1).map((c) => c.trim());
    expect(roles).toEqual([...ROLES]);
    const rows = doc.split('\n').filter((l) => /^\| `[a-z_]+:[a-z_]+` \|/.test(l));
    const documented = new Map(rows.map((l) => {
      const cells = l.split('|').slice(1, -1).map((c) => c.trim());
      return [cells[0]!.replace(/`/g, ''), cells.slice(1)] as const;
    }));
    expect([...documented.keys()].sort()).toEqual([...PERMISSIONS].sort());
    for (const [permission, marks] of documented) {
      ROLES.forEach((role, i) => {
        expect(marks[i] === '✓', `${role} × ${permission}`).toBe(ROLE_PERMISSIONS[role].includes(permission as never));
      });
    }
  });

  it('grants only roles at or below your own, and only owners touch owners', () => {
    expect(mayGrantRole('owner', 'owner')).toBe(true);
    expect(mayGrantRole('admin', 'owner')).toBe(false);
    expect(mayGrantRole('admin', 'admin')).toBe(true);
    expect(mayGrantRole('admin', 'support')).toBe(true);
    for (const role of ['dpo', 'sales', 'support', 'auditor'] as const) {
      for (const target of ROLES) expect(mayGrantRole(role, target), `${role} → ${target}`).toBe(false);
    }
  });

  it('owners reset anyone’s 2FA, admins only the roles below admin and the DPO, nobody else', () => {
    for (const target of ROLES) {
      expect(mayResetTotp('owner', target), `owner → ${target}`).toBe(true);
      expect(mayResetTotp('admin', target), `admin → ${target}`).toBe(['sales', 'support', 'auditor'].includes(target));
      for (const role of ['dpo', 'sales', 'support', 'auditor'] as const) expect(mayResetTotp(role, target), `${role} → ${target}`).toBe(false);
    }
  });

  it('`all` is every scope but members:manage and tokens:manage', () => {
    const all = resolveScopes(['all'], null);
    expect(all).not.toContain('members:manage');
    expect(all).not.toContain('tokens:manage');
    expect(all.length).toBe(PERMISSIONS.length - 2);
    // for a member, `all` is what they hold
    expect(resolveScopes(['all'], permissionsOf('support'))).toEqual(['contacts:read']);
    expect(() => resolveScopes(['contacts:teleport'], null)).toThrow();
  });
});
