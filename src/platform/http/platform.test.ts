import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

const SECRET_EMAIL = 'ada.lovelace@example.org';

function testRoutes(app: FastifyInstance): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/api/v1/_test/echo',
    {
      config: { permission: 'public' },
      schema: { body: z.object({ name: z.string().min(2), age: z.number().int().min(0), email: z.email() }) },
    },
    async (req) => ({ ok: true, name: req.body.name }),
  );
  typed.get('/api/v1/_test/boom', { config: { permission: 'public' } }, async () => {
    // An error whose message carries a personal value: it must not reach the client.
    throw new Error(`could not process ${SECRET_EMAIL}`);
  });
  typed.get('/api/v1/_test/ip', { config: { permission: 'public' } }, async (req) => ({ ip: req.ip }));
}

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp({ extraRoutes: [testRoutes], config: { bodyLimitBytes: 2048, trustProxy: ['127.0.0.1'] } });
});
afterAll(async () => {
  await h.close();
});

describe('HTTP platform', () => {
  it('answers validation errors as problem+json naming each bad field', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/_test/echo', payload: { name: 'x', age: -1, email: 'nope' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json<{ type: string; errors: Array<{ path: string }> }>();
    expect(body.type).toMatch(/\/validation$/);
    expect(body.errors.map((e) => e.path).sort()).toEqual(['body.age', 'body.email', 'body.name']);
  });

  it('a 500 carries a request id and neither a stack nor the personal value', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/_test/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json<{ requestId: string; detail: string }>();
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(res.body).not.toContain(SECRET_EMAIL);
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('logs never carry request bodies, query strings or auth headers', async () => {
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/_test/echo?q=${encodeURIComponent(SECRET_EMAIL)}`,
      headers: { authorization: 'Bearer sekrit-token-123', cookie: 'confidant_session=abc123' },
      payload: { name: 'Grace Hopper', age: 3, email: SECRET_EMAIL },
    });
    expect(h.logs.text).toContain('/api/v1/_test/echo');
    expect(h.logs.text).not.toContain('Grace Hopper');
    expect(h.logs.text).not.toContain('sekrit-token-123');
    expect(h.logs.text).not.toContain('abc123');
    expect(h.logs.text).not.toContain('ada.lovelace');
  });

  it('refuses bodies over the limit with 413 problem+json', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/_test/echo',
      payload: { name: 'x'.repeat(5000), age: 1, email: 'a@b.co' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('sends security headers, and HSTS only over TLS', async () => {
    const plain = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(plain.headers['content-security-policy']).toContain("default-src 'self'");
    expect(plain.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const tls = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('takes the client address from X-Forwarded-For only from a trusted proxy', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/_test/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(res.json<{ ip: string }>().ip).toBe('203.0.113.9');
    const untrusted = await h.app.inject({
      method: 'GET',
      url: '/api/v1/_test/ip',
      remoteAddress: '198.51.100.7',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(untrusted.json<{ ip: string }>().ip).toBe('198.51.100.7');
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok' });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/confidant_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(metrics.body).toContain('confidant_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('confidant_db_pool_connections');
    expect(metrics.body).toMatch(/confidant_jobs_queue_depth\{state="queued"\} \d+/);
    expect(metrics.body).toMatch(/confidant_audit_unchained_events \d+/);
    const doc = await h.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.json<{ openapi: string; paths: Record<string, unknown> }>().paths).toHaveProperty('/api/v1/_test/echo');
  });

  it('unknown routes are problem+json 404s', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});
