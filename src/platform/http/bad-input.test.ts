/**
 * Bad input never costs a 5xx and every refusal is problem+json that echoes
 * neither the URL nor a value: router errors (bad percent-encoding, a path
 * parameter past 100 characters), Node's parser (a 20 kB URL, conflicting
 * Transfer-Encoding and Content-Length, an odd Expect), NUL and unpaired
 * surrogates in any text, nesting past the bound, and JSON that does not parse.
 * Over a real socket: some of these never reach inject().
 */
import net from 'node:net';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { findUnsafeInput, isSafeText, text } from './text.js';

const stored: string[] = [];
function testRoutes(app: FastifyInstance): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  // A route with no text type of its own: the global guard still stops NUL.
  typed.post('/api/v1/_test/things/:id', {
    config: { permission: 'public' },
    schema: { params: z.object({ id: z.string() }), body: z.object({ name: z.string(), tags: z.array(z.string()).optional() }).passthrough() },
  }, async (req) => {
    stored.push(req.body.name);
    return { ok: true };
  });
  typed.get('/api/v1/_test/things', { config: { permission: 'public' }, schema: { querystring: z.object({ q: z.string().optional() }) } }, async () => ({ ok: true }));
}

let h: TestApp;
let port: number;
beforeAll(async () => {
  h = await createTestApp({ extraRoutes: [testRoutes] });
  port = Number(new URL(await h.app.listen({ host: '127.0.0.1', port: 0 })).port);
});
afterAll(async () => {
  await h.close();
});

interface RawAnswer { status: number; headers: string; body: string }

/** One request written as bytes, answered on a fresh connection. */
function raw(request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
    });
  });
}

function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${extra}connection: close\r\n\r\n`;
}

function expectProblem(a: RawAnswer, status: number, mustNotEcho: string[] = []): void {
  expect(a.status, a.headers + a.body).toBe(status);
  expect(a.headers).toMatch(/content-type: application\/problem\+json/i);
  const body = JSON.parse(a.body) as { status: number; type: string };
  expect(body.status).toBe(status);
  expect(body.type).toMatch(/^https:\/\/confidant\.dev\/problems\//);
  for (const s of mustNotEcho) expect(a.body).not.toContain(s);
}

describe('router and Node-level errors', () => {
  it('bad percent-encoding in a path is a 400 problem that does not repeat the path', async () => {
    expectProblem(await raw(get('/api/v1/_test/things/%zz-secret')), 400, ['%zz', 'secret']);
    expectProblem(await raw(get('/api/v1/contacts/%FF%FE')), 400, ['%FF']);
  });

  it('a path parameter over 100 characters is a 414 problem without the URL', async () => {
    const long = 'x'.repeat(200);
    expectProblem(await raw(`POST /api/v1/_test/things/${long} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`), 414, [long]);
  });

  it('a 20 kB URL, conflicting Transfer-Encoding and Content-Length, and an odd Expect are problems', async () => {
    expectProblem(await raw(get(`/api/v1/_test/things?q=${'a'.repeat(20_000)}`)), 431, ['aaaa']);
    expectProblem(await raw('POST /api/v1/_test/things/a HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\ncontent-length: 9\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), 400);
    expectProblem(await raw(get('/api/v1/_test/things', 'expect: something-odd\r\n')), 417, ['something-odd']);
  });

  it('JSON that does not parse is a 400 problem that does not quote it; an unknown route a 404 problem', async () => {
    const payload = '{"name": secret-value}';
    const a = await raw(`POST /api/v1/_test/things/a HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n${payload}`);
    expectProblem(a, 400, ['secret']);
    expectProblem(await raw(get('/api/v1/no-such-thing')), 404, ['no-such-thing']);
    const media = await raw(`POST /api/v1/_test/things/a HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-secret-type\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`);
    expectProblem(media, 415, ['x-secret-type']);
  });
});

describe('texts that cannot be stored', () => {
  it('refuses NUL and unpaired surrogates in a body, a query and a path, naming the field, on a route without a text type', async () => {
    const cases: Array<{ url: string; method: 'GET' | 'POST'; payload?: unknown; path: string }> = [
      { method: 'POST', url: '/api/v1/_test/things/a', payload: { name: 'a\u0000b' }, path: 'body.name' },
      { method: 'POST', url: '/api/v1/_test/things/a', payload: { name: 'ok', tags: ['fine', '\ud800'] }, path: 'body.tags.1' },
      { method: 'POST', url: '/api/v1/_test/things/a', payload: { name: 'ok', ['k\u0000']: 1 }, path: 'body' },
      { method: 'POST', url: '/api/v1/_test/things/a%00', payload: { name: 'ok' }, path: 'params.id' },
      { method: 'GET', url: '/api/v1/_test/things?q=%00', path: 'querystring.q' },
    ];
    for (const c of cases) {
      const res = await h.app.inject({ method: c.method, url: c.url, ...(c.payload !== undefined ? { payload: c.payload as object } : {}) });
      expect(res.statusCode, c.url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe(c.path);
    }
    // A lone surrogate written as a JSON escape, as a client would send it.
    const escaped = await h.app.inject({ method: 'POST', url: '/api/v1/_test/things/a', headers: { 'content-type': 'application/json' }, payload: '{"name":"x\\udc00y"}' });
    expect(escaped.statusCode).toBe(400);
    expect(stored).toEqual([]);
    // A pair is a character, not a lone surrogate.
    const ok = await h.app.inject({ method: 'POST', url: '/api/v1/_test/things/a', payload: { name: 'emoji 😀' } });
    expect(ok.statusCode).toBe(200);
    expect(stored).toEqual(['emoji 😀']);
  });

  it('refuses nesting past the bound without exhausting the stack', async () => {
    const deep = `{"name":"x","more":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/_test/things/a', headers: { 'content-type': 'application/json' }, payload: deep });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('the shared text type and the walker agree', () => {
    expect(isSafeText('plain é 😀')).toBe(true);
    for (const bad of ['\u0000', 'a\ud800', '\udfffa', '\ud800\ud800']) {
      expect(isSafeText(bad)).toBe(false);
      expect(text().safeParse(bad).success).toBe(false);
    }
    expect(text().safeParse('\ud83d\ude00').success).toBe(true);
    expect(findUnsafeInput({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'body')?.path).toBe('body.a.1.c');
  });
});
