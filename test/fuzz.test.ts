/**
 * A bounded fuzz of every operation of the OpenAPI document (THREATS.md "Bad
 * input"): malformed bodies, path and query parameters and headers, sent as a
 * workspace owner with a token of every scope and with a cookie session, never
 * cost a 5xx, and every 4xx is problem+json. A second pass uses another
 * workspace's token and session with the first workspace's ids, in paths,
 * queries and bodies: no answer names one of those ids, a foreign id in a
 * path or a body is never a 2xx, and the first workspace's rows are exactly
 * as they were. Seeded, so a failure replays; bounded per operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from './helpers/auth.js';
import { asOwner } from './helpers/db.js';
import { BAD_HEADERS, BAD_PARAMS, BAD_QUERY, malformedBodies, operationsOf, plausible, prng, type Operation } from './helpers/fuzz.js';
import { PERMISSIONS } from '../src/kernel/access.js';

const SEED = 20261207;
/** Requests per operation and credential (of the ~30 variants an operation has): the bound that keeps the walk near 10 s. */
const PER_OPERATION = 6;

let h: TestApp;
const routes: RouteOptions[] = [];
beforeAll(async () => {
  h = await createTestApp({ onRoute: (r) => routes.push(r) });
});
afterAll(async () => {
  await h.close();
});

interface Actor {
  workspaceId: string;
  ownerId: string;
  /** Fresh credentials: a fuzzed request may sign out or revoke what it used. */
  credentials(): Promise<Array<{ label: string; headers: Record<string, string> }>>;
}

async function actor(): Promise<Actor & { owner: SignedIn }> {
  const ws = await makeWorkspace(h);
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  return {
    workspaceId: ws.workspaceId,
    ownerId: ws.ownerId,
    owner,
    credentials: async () => {
      const session = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
      const token = await tokenFor(h, ws.workspaceId, [...PERMISSIONS], ws.ownerId);
      return [
        { label: 'token', headers: { authorization: `Bearer ${token}` } },
        { label: 'session', headers: session.headers },
      ];
    },
  };
}

type Ids = Record<string, string>;

async function created(method: 'POST', url: string, who: SignedIn, payload: unknown): Promise<Record<string, unknown>> {
  const r = await h.app.inject({ method, url, headers: who.headers, payload: payload as object });
  expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(300);
  return r.json<Record<string, unknown>>();
}

/** One of everything in a workspace, made through the API; its ids by kind. */
async function seed(a: Actor & { owner: SignedIn }): Promise<Ids> {
  const o = a.owner;
  const basics = { lawfulBasis: 'consent', source: 'fuzz seed' };
  const company = await created('POST', '/api/v1/companies', o, { name: 'Seed Company' });
  const contact = await created('POST', '/api/v1/contacts', o, { ...basics, firstName: 'Seed', lastName: 'Person', emails: [{ address: `seed-${a.workspaceId.slice(0, 8)}@example.org` }], companyId: company.id });
  const other = await created('POST', '/api/v1/contacts', o, { ...basics, firstName: 'Other', lastName: 'Person' });
  const pipeline = await created('POST', '/api/v1/pipelines', o, { name: 'Seed pipeline', stages: [{ name: 'First' }, { name: 'Second' }] });
  const stages = pipeline.stages as Array<{ id: string }>;
  const deal = await created('POST', '/api/v1/deals', o, { title: 'Seed deal', pipelineId: pipeline.id, stageId: stages[0]!.id, contactId: contact.id, companyId: company.id });
  const note = await created('POST', '/api/v1/notes', o, { contactId: contact.id, body: 'Seed note' });
  const task = await created('POST', '/api/v1/tasks', o, { title: 'Seed task', contactId: contact.id, dealId: deal.id, assigneeId: a.ownerId });
  const segment = await created('POST', '/api/v1/segments', o, { name: 'Seed segment', conditions: [] });
  const field = await created('POST', '/api/v1/custom-fields', o, { key: 'seedField', label: 'Seed field', type: 'text', dataCategory: 'professional' });
  const exported = await created('POST', '/api/v1/exports', o, { format: 'csv', segmentId: segment.id });
  const token = await created('POST', '/api/v1/tokens', o, { name: 'seed token', scopes: ['contacts:read'] });
  const member = await signInAs(h, a.workspaceId, 'sales');
  const boundary = 'fuzz-seed-boundary';
  const form = [`--${boundary}`, 'content-disposition: form-data; name="lawfulBasis"', '', 'consent', `--${boundary}`, 'content-disposition: form-data; name="source"', '', 'seed',
    `--${boundary}`, 'content-disposition: form-data; name="file"; filename="s.csv"', 'content-type: text/csv', '', 'firstName,lastName\nImported,Person', `--${boundary}--`, ''].join('\r\n');
  const imp = await h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...o.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: form });
  expect(imp.statusCode, imp.body).toBe(202);
  return {
    contact: String(contact.id), otherContact: String(other.id), company: String(company.id), pipeline: String(pipeline.id), stage: stages[0]!.id,
    deal: String(deal.id), note: String(note.id), task: String(task.id), segment: String(segment.id), customField: String(field.id),
    export: String(exported.id), token: String(token.id), member: member.userId, session: member.sessionId, owner: a.ownerId,
    import: imp.json<{ id: string }>().id,
  };
}

/** Which seeded id a path parameter or a body property most likely names. */
function kindFor(op: Operation, name: string): string | undefined {
  const byName: Record<string, string> = {
    contactId: 'contact', keepId: 'contact', mergeId: 'otherContact', companyId: 'company', pipelineId: 'pipeline', stageId: 'stage', dealId: 'deal',
    segmentId: 'segment', assigneeId: 'member', ownerId: 'member', actorId: 'member', subjectId: 'contact', noteId: 'note', taskId: 'task',
  };
  if (name !== 'id') return byName[name];
  const collection = /^\/api\/v1\/([a-z-]+)/.exec(op.path)?.[1] ?? '';
  const byCollection: Record<string, string> = {
    contacts: 'contact', companies: 'company', pipelines: 'pipeline', deals: 'deal', notes: 'note', tasks: 'task', segments: 'segment',
    'custom-fields': 'customField', exports: 'export', imports: 'import', tokens: 'token', members: 'member', auth: 'session', notifications: 'contact',
  };
  return byCollection[collection];
}

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'missing');
}

interface Outcome { op: string; variant: string; status: number; type: string; body: string }

async function send(op: Operation, url: string, headers: Record<string, string>, payload: unknown, variant: string, rawBody?: string): Promise<Outcome> {
  const hasBody = rawBody !== undefined || (payload !== undefined && op.method !== 'GET' && op.method !== 'DELETE');
  const r = await h.app.inject({
    method: op.method as 'GET',
    url,
    headers: { ...headers, ...(hasBody && rawBody === undefined ? { 'content-type': 'application/json' } : {}) },
    ...(hasBody ? { payload: rawBody ?? JSON.stringify(payload) } : {}),
  });
  return { op: `${op.method} ${op.path}`, variant, status: r.statusCode, type: String(r.headers['content-type'] ?? ''), body: r.body };
}

function problemsOf(outcomes: Outcome[]): string[] {
  const bad: string[] = [];
  for (const o of outcomes) {
    if (o.status >= 500) bad.push(`${o.op} [${o.variant}] → ${o.status} ${o.body.slice(0, 200)}`);
    else if (o.status >= 400) {
      let ok = /^application\/problem\+json/.test(o.type);
      try {
        const body = JSON.parse(o.body) as { status?: number; type?: string };
        ok &&= body.status === o.status && typeof body.type === 'string';
      } catch {
        ok = false;
      }
      if (!ok) bad.push(`${o.op} [${o.variant}] → ${o.status} not problem+json: ${o.type} ${o.body.slice(0, 120)}`);
    }
  }
  return bad;
}

/** Every row of a workspace, table by table, as one digest each (read as the owner, past RLS). */
async function snapshot(workspaceId: string): Promise<Record<string, string>> {
  const tables = await asOwner<{ table_name: string }>(h.t, `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'workspace_id' order by table_name`);
  const out: Record<string, string> = {};
  for (const { table_name: t } of tables) {
    const [row] = await asOwner<{ d: string | null; n: string }>(h.t, `select md5(string_agg(x::text, '|' order by x::text)) as d, count(*)::text as n from "${t}" x where workspace_id = $1`, [workspaceId]);
    out[t] = `${row!.n}:${row!.d ?? ''}`;
  }
  return out;
}

describe('fuzz of every operation', () => {
  let a: Actor & { owner: SignedIn };
  let b: Actor & { owner: SignedIn };
  let aIds: Ids;
  let bIds: Ids;
  let ops: Operation[];
  beforeAll(async () => {
    a = await actor();
    b = await actor();
    aIds = await seed(a);
    bIds = await seed(b);
    ops = operationsOf(h.app.swagger());
  });

  it('the document lists every route under /api and /p that is not hidden', () => {
    const documented = new Set(ops.map((o) => `${o.method} ${o.path}`));
    const missing = routes
      .filter((r) => !(r.schema)?.hide)
      .filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/p/'))
      .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => `${m} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`))
      .filter((k) => !k.startsWith('HEAD ') && !documented.has(k));
    expect(missing).toEqual([]);
    expect(ops.length).toBeGreaterThanOrEqual(80);
    // The walk reaches every public route the document has, /p/ ones included when they exist.
    expect(ops.filter((o) => o.path.startsWith('/p/')).length).toBe(routes.filter((r) => r.url.startsWith('/p/') && !(r.schema)?.hide).length);
  });

  it('another workspace\'s credentials with this workspace\'s ids neither see nor change anything of it', async () => {
    const before = await snapshot(a.workspaceId);
    const foreign = new Set(Object.values(aIds));
    const outcomes: Outcome[] = [];
    const leaks: string[] = [];
    const idOf = (op: Operation, name: string): string | undefined => {
      const kind = kindFor(op, name) ?? (/Ids?$/.test(name) ? 'contact' : undefined);
      return kind ? aIds[kind] : undefined;
    };
    for (const op of ops) {
      for (const cred of await b.credentials()) {
        const pathValues = Object.fromEntries(op.pathParams.map((p) => [p, idOf(op, p) ?? aIds.contact!]));
        const url = fill(op.path, pathValues);
        const own = fill(op.path, Object.fromEntries(op.pathParams.map((p) => [p, bIds[kindFor(op, p) ?? 'contact']!])));
        const requests: Array<{ variant: string; url: string; body: unknown; foreign: 'path' | 'body' | null }> = [
          { variant: 'path', url, body: op.body ? plausible(op.body) : undefined, foreign: op.pathParams.length > 0 ? 'path' : null },
        ];
        const query = op.queryParams.filter((q) => /Id$/.test(q)).map((q) => `${q}=${idOf(op, q) ?? aIds.contact!}`).join('&');
        // A filter naming a foreign id may answer an empty list, but never a row of it.
        if (query) requests.push({ variant: 'query', url: `${own}?${query}`, body: op.body ? plausible(op.body) : undefined, foreign: null });
        // The caller's own ids in the path, one foreign id at a time in the body: refused, never ignored.
        for (const key of Object.keys(op.body?.properties ?? {})) {
          const id = /Ids?$/.test(key) ? idOf(op, key.replace(/s$/, '')) : undefined;
          if (id) requests.push({ variant: `body ${key}`, url: own, body: plausible(op.body!, (k) => (k === key ? id : undefined)), foreign: 'body' });
        }
        for (const r of requests) {
          const variant = `${cred.label} ${r.variant}`;
          const o = await send(op, r.url, cred.headers, r.body, variant);
          outcomes.push(o);
          // The second workspace's own trail records the filters its own requests named (audit.exported details).
          const ownTrail = op.path.startsWith('/api/v1/audit-events');
          for (const id of foreign) if (!ownTrail && o.body.includes(id)) leaks.push(`${o.op} [${variant}] → ${o.status} names the first workspace's ${Object.entries(aIds).find(([, v]) => v === id)?.[0] ?? 'id'}`);
          if (o.status < 300 && r.foreign) leaks.push(`${o.op} [${variant}] → ${o.status} with a foreign id in its ${r.foreign}`);
        }
      }
    }
    expect(problemsOf(outcomes)).toEqual([]);
    expect(leaks).toEqual([]);
    expect(await snapshot(a.workspaceId)).toEqual(before);
  });

  it('malformed bodies, parameters and headers never cost a 5xx, and every 4xx is problem+json', async () => {
    const rnd = prng(SEED);
    const outcomes: Outcome[] = [];
    for (const op of ops) {
      const real = Object.fromEntries(op.pathParams.map((p) => [p, aIds[kindFor(op, p) ?? 'contact']!]));
      const goodUrl = fill(op.path, real);
      const canWrite = op.method !== 'GET' && op.method !== 'DELETE';
      // Every variant of the operation; a seeded sample of them is sent.
      const variants: Array<{ label: string; url: string; payload?: unknown; raw?: string; headers?: Record<string, string> }> = [];
      for (const p of op.pathParams) for (const bad of BAD_PARAMS) variants.push({ label: `param ${p}=${bad.slice(0, 20)}`, url: fill(op.path, { ...real, [p]: bad }), ...(canWrite ? { payload: plausible(op.body ?? undefined) } : {}) });
      for (const q of op.queryParams) for (const bad of BAD_QUERY) variants.push({ label: `query ${q}=${bad.slice(0, 20)}`, url: `${goodUrl}?${q}=${bad}` });
      if (op.queryParams.length > 0) variants.push({ label: 'repeated query', url: `${goodUrl}?${op.queryParams[0]}=1&${op.queryParams[0]}=2` });
      // DELETE with a real id would delete what later variants need: bodies and headers go to writes only.
      if (canWrite) {
        for (const m of malformedBodies(op.body, rnd)) variants.push({ label: `body ${m.label}`, url: goodUrl, payload: m.payload });
        for (const hd of BAD_HEADERS) variants.push({ label: `headers ${hd.label}`, url: goodUrl, headers: hd.headers, ...(hd.raw !== undefined ? { raw: hd.raw } : {}) });
      }
      for (const cred of await a.credentials()) {
        const chosen = [...variants].sort(() => rnd.next() - 0.5).slice(0, PER_OPERATION);
        for (const v of chosen) {
          outcomes.push(await send(op, v.url, { ...cred.headers, ...(v.headers ?? {}) }, v.payload, `${cred.label} ${v.label}`, v.raw));
        }
      }
    }
    expect(outcomes.length).toBeGreaterThan(ops.length * 2 * 5);
    expect(problemsOf(outcomes)).toEqual([]);
  });
});
