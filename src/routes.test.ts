import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/helpers/app.js';

// Every route declares the permission it needs (or `public`): the identity
// module enforces it, and a route without one is a hole nobody decided on.
const routes: RouteOptions[] = [];
let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ onRoute: (r) => void routes.push(r) });
});
afterAll(async () => {
  await h.close();
});

describe('route permissions', () => {
  it('every registered route declares a permission', () => {
    expect(routes.length).toBeGreaterThan(5);
    const undeclared = routes
      .filter((r) => typeof (r.config as { permission?: unknown } | undefined)?.permission !== 'string')
      .map((r) => `${String(r.method)} ${r.url}`);
    expect(undeclared).toEqual([]);
  });

  it('public routes are only the ones meant to be public', () => {
    const publicApi = routes
      .filter((r) => (r.config as { permission?: string }).permission === 'public' && r.url.startsWith('/api/v1/'))
      .map((r) => `${String(r.method)} ${r.url}`)
      .sort();
    expect(publicApi).toEqual([
      'GET /api/v1/setup',
      'HEAD /api/v1/setup',
      'POST /api/v1/auth/password-reset',
      'POST /api/v1/auth/password-reset/confirm',
      'POST /api/v1/auth/sign-in',
      'POST /api/v1/invitations/accept',
      'POST /api/v1/setup',
    ]);
  });
});
