import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import type { Config } from '../../config.js';
import { loadConfig } from '../../config.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Metrics } from './metrics.js';
import { bearerChecker, isLoopbackHost, metricsStartupNotice } from './metrics-access.js';

const TOKEN = 'scrape-me-0123456789abcdef';

let h: TestApp;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await h.close();
});

/** A second app over the same context, as if started with other settings. */
async function appWith(config: Partial<Config>): Promise<FastifyInstance> {
  const app = await buildApp({ ...h.ctx, metrics: new Metrics(), config: { ...h.ctx.config, ...config } });
  await app.ready();
  apps.push(app);
  return app;
}

const scrape = (app: FastifyInstance, authorization?: string) =>
  app.inject({ method: 'GET', url: '/metrics', ...(authorization ? { headers: { authorization } } : {}) });

describe('/metrics access', () => {
  it('is served without a token when the server listens on loopback only', async () => {
    const app = await appWith({ host: '127.0.0.1', metricsToken: undefined });
    const res = await scrape(app);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('confidant_http_requests_total');
  });

  it('is a plain 404 problem, like an unknown route, when bound beyond loopback without METRICS_TOKEN', async () => {
    const app = await appWith({ host: '0.0.0.0', metricsToken: undefined });
    const res = await scrape(app);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toContain('confidant_');
    // An unknown API path: elsewhere a built web UI answers unknown paths with its page.
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/no-such-route' });
    expect(res.json()).toEqual(unknown.json());
    // Even a guessed bearer opens nothing: there is no token to match.
    expect((await scrape(app, 'Bearer ')).statusCode).toBe(404);
  });

  it('needs the METRICS_TOKEN bearer whenever a token is set, even on loopback', async () => {
    for (const host of ['0.0.0.0', '127.0.0.1']) {
      const app = await appWith({ host, metricsToken: TOKEN });
      for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`]) {
        const res = await scrape(app, auth);
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.body).not.toContain(TOKEN);
      }
      const ok = await scrape(app, `Bearer ${TOKEN}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('confidant_http_requests_total');
    }
  });

  it('knows loopback hosts from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '', '10.0.0.5', '192.168.1.2', 'example.org', '::ffff:10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('compares the bearer whatever its length, and only in the Bearer scheme', () => {
    const check = bearerChecker(TOKEN);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(undefined)).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check(`Bearer ${'x'.repeat(10_000)}`)).toBe(false);
  });

  it('start warns in one line when /metrics is off, and only then', () => {
    const notice = metricsStartupNotice({ host: '0.0.0.0', metricsToken: undefined });
    expect(notice).toMatch(/METRICS_TOKEN/);
    expect(notice).not.toContain('\n');
    expect(metricsStartupNotice({ host: '0.0.0.0', metricsToken: TOKEN })).toBeNull();
    expect(metricsStartupNotice({ host: '127.0.0.1', metricsToken: undefined })).toBeNull();
  });

  it('reads METRICS_TOKEN from the environment and refuses a short one', () => {
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
