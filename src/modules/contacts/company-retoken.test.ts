/**
 * A company rename re-tokens its contacts: after the job, the new name's words
 * find them and the old name's tokens are gone; batches resume after a crash,
 * repeat harmlessly, and start over when the name changes again mid-run.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { api, contactsApp, created, workspace, type Page, type Ws } from './contacts.test-helper.js';
import { retokenCompanyContacts, retokenStep, RETOKEN_JOB } from './company-retoken.js';
import { TOKEN_INDEX } from './lookup.js';
import { queryToken } from './normalize.js';
import { termsLiteral } from './queries.js';
import { termOf, workspaceTag } from './terms.js';

let h: TestApp;
let c: ReturnType<typeof api>;
beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
});
afterAll(async () => {
  await h.close();
});

const FIRST = ['Anna', 'Bert', 'Carla', 'Dirk', 'Eva', 'Finn', 'Greta'];

async function company(ws: Ws, name: string): Promise<string> {
  return created(await h.app.inject({ method: 'POST', url: '/api/v1/companies', headers: ws.owner.headers, payload: { name } }));
}
async function rename(ws: Ws, id: string, name: string): Promise<void> {
  const r = await h.app.inject({ method: 'PATCH', url: `/api/v1/companies/${id}`, headers: ws.owner.headers, payload: { name } });
  expect(r.statusCode, r.body).toBe(200);
}
async function people(ws: Ws, companyId: string | null, n: number, last = 'Staff'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) ids.push(created(await c.create(ws.owner, { firstName: FIRST[i % FIRST.length]!, lastName: last, ...(companyId ? { companyId } : {}) })));
  return ids.sort();
}
async function found(ws: Ws, q: string): Promise<string[]> {
  const r = await c.list(ws.owner, { q, limit: 200 });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<Page>().items.map((i) => i.id).sort();
}
/** How many of these contacts hold the search token a query word looks up (the index itself, not the re-checked answer). */
async function holdingToken(ws: Ws, word: string, ids: readonly string[]): Promise<number> {
  return h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
    const prfs = await h.ctx.vault.blockIndexCandidates(trx, ws.workspaceId, TOKEN_INDEX.name);
    const terms = prfs.map((p) => termOf(workspaceTag(ws.workspaceId), 'token', p.one(queryToken(word), TOKEN_INDEX.bits)));
    const r = await sql<{ n: number }>`select count(*)::int as n from contacts
      where workspace_id = ${ws.workspaceId} and terms && ${termsLiteral(terms)}::bigint[] and id = any(${[...ids]}::uuid[])`.execute(trx);
    return r.rows[0]!.n;
  });
}
async function runJobs(): Promise<{ done: number; failed: number }> {
  const total = { done: 0, failed: 0 };
  for (let round = 0; round < 20; round += 1) {
    const report = await h.ctx.jobs.runOnce(h.ctx.now());
    total.done += report.done;
    total.failed += report.failed;
    if (report.claimed === 0) break;
  }
  return total;
}
const pending = (companyId: string) => asOwner<{ after_id: string | null; generation: string }>(h.t,
  'select after_id, generation::text from contact_company_retoken where company_id = $1', [companyId]);

describe('company rename re-tokens its contacts', () => {
  it('through the API and the job: the new name finds them, the old name’s tokens are gone, others untouched', async () => {
    const ws = await workspace(h);
    const quokka = await company(ws, 'Quokkaworks Holding');
    const zebra = await company(ws, 'Zebrafish Ltd');
    const staff = await people(ws, quokka, 7);
    const others = await people(ws, zebra, 2);
    await people(ws, null, 1);
    expect(await found(ws, 'quokka')).toEqual(staff);

    await rename(ws, quokka, 'Marmotech Holding');
    const jobs = await asOwner<{ payload: unknown; workspace_id: string; state: string }>(h.t,
      'select payload, workspace_id, state from jobs where kind = $1 and workspace_id = $2', [RETOKEN_JOB, ws.workspaceId]);
    expect(jobs).toEqual([{ payload: { companyId: quokka }, workspace_id: ws.workspaceId, state: 'queued' }]);
    // Until the job has run: the old name's hits are re-checked away at once; the new name is not found yet.
    expect(await found(ws, 'quokka')).toEqual([]);
    expect(await found(ws, 'marmo')).toEqual([]);

    expect(await runJobs()).toMatchObject({ failed: 0 });
    expect(await found(ws, 'marmotech')).toEqual(staff);
    expect(await found(ws, 'marmo holding')).toEqual(staff);
    expect(await holdingToken(ws, 'quokka', staff)).toBe(0);
    expect(await holdingToken(ws, 'marmot', staff)).toBe(7);
    expect(await found(ws, 'zebrafish')).toEqual(others);
    // The people's own words are re-written too, not lost: one Anna in each group.
    expect(await found(ws, 'anna staff')).toHaveLength(3);
    expect(await pending(quokka)).toEqual([]);
  });

  it('runs in batches, resumes after a crash, and repeats harmlessly', async () => {
    const ws = await workspace(h);
    const co = await company(ws, 'Oldname Systems');
    const staff = await people(ws, co, 7);
    await rename(ws, co, 'Newbrand Systems');

    // One batch of three, then the process "dies": the progress says where to go on.
    const first = await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => retokenStep(h.ctx, trx, ws.workspaceId, co, 3));
    expect(first).toEqual({ processed: 3, finished: false });
    const [progress] = await pending(co);
    expect(progress!.after_id).toBe(staff[2]);
    expect(await holdingToken(ws, 'newbrand', staff)).toBe(3);

    expect(await retokenCompanyContacts(h.ctx, ws.workspaceId, co, 3)).toBe(4);
    expect(await pending(co)).toEqual([]);
    expect(await found(ws, 'newbrand')).toEqual(staff);
    expect(await holdingToken(ws, 'oldname', staff)).toBe(0);

    const rows = async () => (await asOwner<{ n: string }>(h.t, 'select md5(string_agg(terms::text, \',\' order by id)) as n from contacts where id = any($1::uuid[])', [staff]))[0]!.n;
    const before = await rows();
    expect(await retokenCompanyContacts(h.ctx, ws.workspaceId, co, 3)).toBe(0);
    // The rename's own job, run late (at-least-once delivery), finds nothing left and changes nothing.
    expect(await runJobs()).toMatchObject({ failed: 0 });
    expect(await rows()).toBe(before);
    expect(await found(ws, 'newbrand')).toEqual(staff);
  });

  it('a rename during a run starts it over under the newest name', async () => {
    const ws = await workspace(h);
    const co = await company(ws, 'Alphaline');
    const staff = await people(ws, co, 5);
    await rename(ws, co, 'Bravoline');
    expect((await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => retokenStep(h.ctx, trx, ws.workspaceId, co, 2))).processed).toBe(2);
    expect(await holdingToken(ws, 'bravoline', staff)).toBe(2);
    await rename(ws, co, 'Charliex');
    expect(await pending(co)).toEqual([{ after_id: null, generation: '2' }]);
    expect(await retokenCompanyContacts(h.ctx, ws.workspaceId, co, 2)).toBe(5);
    expect(await found(ws, 'charliex')).toEqual(staff);
    expect(await holdingToken(ws, 'bravoline', staff)).toBe(0);
    expect(await holdingToken(ws, 'alphaline', staff)).toBe(0);
  });

  it('a deleted company leaves nothing to do; other changes queue nothing', async () => {
    const ws = await workspace(h);
    const co = await company(ws, 'Gonesoon');
    await people(ws, co, 2);
    const kept = await company(ws, 'Keeper');
    const jobsOf = async () => (await asOwner<{ n: number }>(h.t, `select count(*)::int as n from jobs where kind = $1 and workspace_id = $2 and state = 'queued'`, [RETOKEN_JOB, ws.workspaceId]))[0]!.n;
    const patch = await h.app.inject({ method: 'PATCH', url: `/api/v1/companies/${kept}`, headers: ws.owner.headers, payload: { industry: 'Storage' } });
    expect(patch.statusCode).toBe(200);
    expect(await jobsOf()).toBe(0);
    await rename(ws, co, 'Gonenow');
    expect(await jobsOf()).toBe(1);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/companies/${co}`, headers: ws.owner.headers })).statusCode).toBe(204);
    expect(await pending(co)).toEqual([]);
    expect(await runJobs()).toMatchObject({ failed: 0 });
    expect(await jobsOf()).toBe(0);
  });
});
