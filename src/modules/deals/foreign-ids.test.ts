/**
 * Another workspace's id in a body is refused, never ignored: a deal PATCH
 * naming only a foreign pipelineId answered 200 and left the deal in place.
 * The other references a body may carry are checked alongside, so none
 * regresses to being ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, type SignedIn } from '../../../test/helpers/auth.js';

let h: TestApp;
let a: SignedIn;
let b: SignedIn;
beforeAll(async () => {
  h = await createTestApp();
  for (const which of ['a', 'b'] as const) {
    const ws = await makeWorkspace(h);
    const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
    if (which === 'a') a = owner;
    else b = owner;
  }
});
afterAll(async () => {
  await h.close();
});

async function make(who: SignedIn, url: string, payload: object): Promise<{ id: string; stages?: Array<{ id: string }> }> {
  const r = await h.app.inject({ method: 'POST', url, headers: who.headers, payload });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

describe('foreign ids in a body', () => {
  it('a deal PATCH with only another workspace\'s pipelineId is a 422; its own pipeline moves the deal to the first stage', async () => {
    const foreign = await make(a, '/api/v1/pipelines', { name: 'Theirs', stages: [{ name: 'T1' }] });
    const mine = await make(b, '/api/v1/pipelines', { name: 'Mine', stages: [{ name: 'M1' }, { name: 'M2' }] });
    const deal = await make(b, '/api/v1/deals', { title: 'A deal' });
    const before = await h.app.inject({ method: 'GET', url: `/api/v1/deals/${deal.id}`, headers: b.headers });

    const refused = await h.app.inject({ method: 'PATCH', url: `/api/v1/deals/${deal.id}`, headers: b.headers, payload: { pipelineId: foreign.id } });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('pipelineId');
    const after = await h.app.inject({ method: 'GET', url: `/api/v1/deals/${deal.id}`, headers: b.headers });
    expect(after.json<{ pipelineId: string }>().pipelineId).toBe(before.json<{ pipelineId: string }>().pipelineId);

    const moved = await h.app.inject({ method: 'PATCH', url: `/api/v1/deals/${deal.id}`, headers: b.headers, payload: { pipelineId: mine.id } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ pipelineId: mine.id, stageId: mine.stages![0]!.id });
  });

  it('other references to another workspace are refused on create and update', async () => {
    const company = await make(a, '/api/v1/companies', { name: 'Their company' });
    const contact = await make(a, '/api/v1/contacts', { lawfulBasis: 'consent', source: 's', firstName: 'Their', lastName: 'Person' });
    const segment = await make(a, '/api/v1/segments', { name: 'Theirs', conditions: [] });
    const own = await make(b, '/api/v1/contacts', { lawfulBasis: 'consent', source: 's', firstName: 'Own', lastName: 'Person' });
    const cases: Array<[string, string, object]> = [
      ['POST', '/api/v1/contacts', { lawfulBasis: 'consent', source: 's', firstName: 'X', companyId: company.id }],
      ['PATCH', `/api/v1/contacts/${own.id}`, { companyId: company.id }],
      ['POST', '/api/v1/notes', { contactId: contact.id, body: 'n' }],
      ['POST', '/api/v1/tasks', { title: 't', contactId: contact.id }],
      ['POST', '/api/v1/deals', { title: 'd', contactId: contact.id }],
      ['POST', '/api/v1/exports', { format: 'csv', segmentId: segment.id }],
      ['POST', '/api/v1/contacts/merge', { keepId: own.id, mergeId: contact.id }],
    ];
    for (const [method, url, payload] of cases) {
      const r = await h.app.inject({ method: method as 'POST', url, headers: b.headers, payload });
      expect([404, 422], `${method} ${url} ${r.body}`).toContain(r.statusCode);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
