/** Shared setup of the contacts tests. */
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';

export async function contactsApp(now?: () => Date): Promise<TestApp> {
  return createTestApp({ ...(now ? { now } : {}) });
}

export interface Ws {
  workspaceId: string;
  owner: SignedIn;
}

export async function workspace(h: TestApp, defaultCountry?: string): Promise<Ws> {
  const ws = await makeWorkspace(h);
  if (defaultCountry) {
    await asOwner(h.t, `update workspaces set settings = settings || jsonb_build_object('defaultCountry', $1::text) where id = $2`, [defaultCountry, ws.workspaceId]);
  }
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  return { workspaceId: ws.workspaceId, owner };
}

export const basics = { lawfulBasis: 'legitimate_interests', source: 'test' } as const;

export function api(h: TestApp) {
  return {
    create: (who: SignedIn, payload: Record<string, unknown>) =>
      h.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: who.headers, payload: { ...basics, ...payload } }),
    get: (who: SignedIn, id: string) => h.app.inject({ method: 'GET', url: `/api/v1/contacts/${id}`, headers: { cookie: who.cookie } }),
    list: (who: SignedIn, query: Record<string, string | number>) =>
      h.app.inject({ method: 'GET', url: '/api/v1/contacts', query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), headers: { cookie: who.cookie } }),
    patch: (who: SignedIn, id: string, payload: Record<string, unknown>) =>
      h.app.inject({ method: 'PATCH', url: `/api/v1/contacts/${id}`, headers: who.headers, payload }),
    del: (who: SignedIn, id: string) => h.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${id}`, headers: who.headers }),
    log: (who: SignedIn, id: string) => h.app.inject({ method: 'GET', url: `/api/v1/contacts/${id}/access-log`, headers: { cookie: who.cookie } }),
  };
}

export interface Page {
  items: Array<{ id: string; firstName: string; lastName: string; emails: Array<{ address: string }> }>;
  nextCursor: string | null;
  total?: number;
  totalIsLowerBound?: boolean;
  totalIsEstimate?: boolean;
}

export function created(r: LightMyRequestResponse): string {
  if (r.statusCode !== 201) throw new Error(`expected 201, got ${r.statusCode}: ${r.body}`);
  return r.json<{ id: string }>().id;
}
