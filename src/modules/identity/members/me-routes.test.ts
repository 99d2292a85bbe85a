import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeWorkspace, signInAs } from '../../../../test/helpers/auth.js';
import { ROLE_DESCRIPTIONS, ROLE_PERMISSIONS } from './permissions.js';
import { PERMISSIONS } from '../../../kernel/access.js';
import { ROLES } from '../../../kernel/access.js';

let h: TestApp;

beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/me', () => {
  it('sends the whole permission matrix, the same for every role, beside the member’s own permissions', async () => {
    const ws = await makeWorkspace(h);
    const matrices: unknown[] = [];
    for (const role of ['support', 'owner'] as const) {
      const m = await signInAs(h, ws.workspaceId, role);
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: m.cookie } });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ role: string; permissions: string[]; permissionMatrix: unknown }>();
      expect(body.role).toBe(role);
      expect(body.permissions).toEqual([...ROLE_PERMISSIONS[role]].sort());
      matrices.push(body.permissionMatrix);
    }
    const expected = {
      permissions: [...PERMISSIONS],
      roles: ROLES.map((role) => ({ role, summary: ROLE_DESCRIPTIONS[role], permissions: [...ROLE_PERMISSIONS[role]] })),
    };
    expect(matrices).toEqual([expected, expected]);
  });
});
