/**
 * POST /api/v1/imports over a real socket: the parts of the form in either
 * order (the file before or after lawfulBasis and source, as `curl -F` and
 * browsers send them in the order written), bad options sent after the file
 * leave nothing stored, and a body that is cut short or whose boundary does
 * not match its content-type is a 400 problem, not a 500.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { findByEmail } from '../contacts/index.js';
import { workspace, type Ws } from '../contacts/contacts.test-helper.js';

let h: TestApp;
let base: string;
let ws: Ws;
beforeAll(async () => {
  // A small body limit: the upload streams past it.
  h = await createTestApp({ config: { bodyLimitBytes: 8192 } });
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  ws = await workspace(h);
});
afterAll(async () => {
  await h.close();
});

const CSV = (email: string): string => `firstName,lastName,email\nAda,Lovelace,${email}\n`;

function form(parts: Array<[string, string] | ['file', string, 'csv']>): FormData {
  const f = new FormData();
  for (const p of parts) {
    if (p.length === 3) f.append('file', new Blob([p[1]], { type: 'text/csv' }), 'people.csv');
    else f.append(p[0], p[1]);
  }
  return f;
}

async function post(body: FormData): Promise<{ status: number; type: string; json: Record<string, unknown> }> {
  const r = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: ws.owner.headers, body });
  return { status: r.status, type: r.headers.get('content-type') ?? '', json: (await r.json()) as Record<string, unknown> };
}

async function runJobs(): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const report = await h.ctx.jobs.runOnce(h.ctx.now());
    expect(report.failed).toBe(0);
    if (report.claimed === 0) return;
  }
}

async function importsStored(): Promise<{ imports: number; chunks: number }> {
  const [i] = await asOwner<{ n: string }>(h.t, 'select count(*)::text as n from imports where workspace_id = $1', [ws.workspaceId]);
  const [c] = await asOwner<{ n: string }>(h.t, 'select count(*)::text as n from import_chunks where workspace_id = $1', [ws.workspaceId]);
  return { imports: Number(i!.n), chunks: Number(c!.n) };
}

async function landed(email: string): Promise<Array<{ firstName: string; source: string }>> {
  return h.ctx.db.withWorkspace(ws.workspaceId, (trx) => findByEmail(h.ctx, trx, ws.workspaceId, email));
}

/** A raw HTTP/1.1 exchange, for bodies no client library would send. */
function raw(request: Buffer): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function rawPost(contentType: string, body: Buffer): Buffer {
  const head = [
    'POST /api/v1/imports HTTP/1.1',
    `host: ${new URL(base).host}`,
    `cookie: ${ws.owner.cookie}`,
    `x-csrf-token: ${ws.owner.csrf}`,
    `content-type: ${contentType}`,
    `content-length: ${body.length}`,
    'connection: close',
    '', '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), body]);
}

describe('multipart imports in any order', () => {
  it('accepts the file before lawfulBasis and source, and after them', async () => {
    const fileFirst = await post(form([['file', CSV('first@example.org'), 'csv'], ['lawfulBasis', 'consent'], ['source', 'file first']]));
    expect(fileFirst.status, JSON.stringify(fileFirst.json)).toBe(202);
    const fieldsFirst = await post(form([['lawfulBasis', 'consent'], ['source', 'fields first'], ['file', CSV('second@example.org'), 'csv']]));
    expect(fieldsFirst.status, JSON.stringify(fieldsFirst.json)).toBe(202);
    // The file in the middle, the duplicates policy last.
    const between = await post(form([['source', 'in between'], ['file', CSV('third@example.org'), 'csv'], ['lawfulBasis', 'contract'], ['duplicates', 'update']]));
    expect(between.status, JSON.stringify(between.json)).toBe(202);
    await runJobs();
    expect(await landed('first@example.org')).toMatchObject([{ firstName: 'Ada', source: 'file first' }]);
    expect(await landed('second@example.org')).toMatchObject([{ firstName: 'Ada', source: 'fields first' }]);
    expect(await landed('third@example.org')).toMatchObject([{ firstName: 'Ada', source: 'in between' }]);
  });

  it('checks options sent after the file once they arrived, and keeps nothing of a refused upload', async () => {
    const before = await importsStored();
    const bad = await post(form([['file', CSV('refused@example.org'), 'csv'], ['lawfulBasis', 'gut_feeling'], ['source', 'x']]));
    expect(bad.status).toBe(422);
    expect(bad.type).toMatch(/^application\/problem\+json/);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'lawfulBasis' })]);
    const missing = await post(form([['file', CSV('refused@example.org'), 'csv'], ['lawfulBasis', 'consent']]));
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual([expect.objectContaining({ path: 'source' })]);
    const badMapping = await post(form([['file', CSV('refused@example.org'), 'csv'], ['lawfulBasis', 'consent'], ['source', 'x'], ['mapping', '{not json']]));
    expect(badMapping.status).toBe(400);
    expect(badMapping.json.errors).toEqual([expect.objectContaining({ path: 'mapping' })]);
    expect(await importsStored()).toEqual(before);
  });

  it('answers a body cut short, or whose boundary is not the declared one, with a 400 problem and stores nothing', async () => {
    const before = await importsStored();
    const boundary = 'confidant-boundary';
    const whole = Buffer.from([
      `--${boundary}`, 'content-disposition: form-data; name="file"; filename="p.csv"', 'content-type: text/csv', '', CSV('cut@example.org'),
      `--${boundary}`, 'content-disposition: form-data; name="lawfulBasis"', '', 'consent',
      `--${boundary}`, 'content-disposition: form-data; name="source"', '', 'cut', `--${boundary}--`, '',
    ].join('\r\n'));
    const cut = whole.subarray(0, whole.indexOf('Lovelace'));
    const answers = [
      await raw(rawPost(`multipart/form-data; boundary=${boundary}`, cut)),
      await raw(rawPost('multipart/form-data; boundary=another-boundary', whole)),
      await raw(rawPost('multipart/form-data', whole)),
    ];
    for (const answer of answers) {
      expect(answer.slice(0, 200)).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).not.toContain('Lovelace');
    }
    expect(await importsStored()).toEqual(before);
    expect(h.logs.text).not.toContain('unhandled error');
  });
});
