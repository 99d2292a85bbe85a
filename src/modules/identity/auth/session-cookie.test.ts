import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeWorkspace, signInAs, TEST_PASSWORD } from '../../../../test/helpers/auth.js';

// The proxy is inject's default peer (127.0.0.1); 198.51.100.7 is an outsider.
let h: TestApp;
beforeAll(async () => {
  h = await createTestApp({ config: { trustProxy: ['127.0.0.1'] } });
});
afterAll(async () => {
  await h?.close();
});

const TLS = { 'x-forwarded-proto': 'https' };

async function signIn(headers: Record<string, string>, remoteAddress = '127.0.0.1') {
  const ws = await makeWorkspace(h);
  const m = await signInAs(h, ws.workspaceId, 'sales', { enrolled: false });
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { workspace: ws.slug, email: m.email, password: TEST_PASSWORD },
    headers,
    remoteAddress,
  });
  expect(res.statusCode).toBe(200);
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  expect(raw).toHaveLength(1);
  return { set: raw[0]!, cookie: res.cookies[0]!, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

const me = (cookie: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie, ...headers }, remoteAddress });

describe('the session cookie', () => {
  it('over TLS through a trusted proxy is __Host-confidant_session: Secure, Path=/, no Domain', async () => {
    const { set, cookie } = await signIn(TLS);
    expect(cookie.name).toBe('__Host-confidant_session');
    expect(set).toMatch(/^__Host-confidant_session=[^;]+;/);
    expect(set).toMatch(/; Secure/);
    expect(set).toMatch(/; Path=\//);
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Lax/);
    expect(set).not.toMatch(/Domain=/i);
    expect((await me(`__Host-confidant_session=${cookie.value}`, TLS)).statusCode).toBe(200);
  });

  it('over TLS, the plain name is not accepted, even with a valid value', async () => {
    const { cookie } = await signIn(TLS);
    expect((await me(`confidant_session=${cookie.value}`, TLS)).statusCode).toBe(401);
    // A planted plain cookie beside the real one does not displace it.
    expect((await me(`confidant_session=planted; __Host-confidant_session=${cookie.value}`, TLS)).statusCode).toBe(200);
  });

  it('over plain HTTP keeps confidant_session (development on localhost), without Secure', async () => {
    const { set, cookie } = await signIn({});
    expect(cookie.name).toBe('confidant_session');
    expect(set).not.toMatch(/Secure/);
    expect(set).toMatch(/; Path=\//);
    expect((await me(`confidant_session=${cookie.value}`)).statusCode).toBe(200);
  });

  it('X-Forwarded-Proto from an untrusted peer does not make a request TLS', async () => {
    const { cookie } = await signIn(TLS, '198.51.100.7');
    expect(cookie.name).toBe('confidant_session');
    // Nor does it make a plain cookie unacceptable: the request is plain HTTP.
    expect((await me(`confidant_session=${cookie.value}`, TLS, '198.51.100.7')).statusCode).toBe(200);
    expect((await me(`confidant_session=${cookie.value}`, TLS)).statusCode).toBe(401);
  });

  it('sign-out over TLS clears the __Host- cookie and any plain one', async () => {
    const { cookie, csrf } = await signIn(TLS);
    const out = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-out',
      headers: { cookie: `__Host-confidant_session=${cookie.value}`, 'x-csrf-token': csrf, ...TLS },
    });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.map((c) => c.name).sort();
    expect(cleared).toEqual(['__Host-confidant_session', 'confidant_session']);
    expect((await me(`__Host-confidant_session=${cookie.value}`, TLS)).statusCode).toBe(401);
  });

  it('the OpenAPI document says which cookie name TLS uses', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{
      components: { securitySchemes: { session: { name: string; description: string } } };
    }>();
    expect(doc.components.securitySchemes.session.name).toBe('confidant_session');
    expect(doc.components.securitySchemes.session.description).toContain('__Host-confidant_session');
  });
});
