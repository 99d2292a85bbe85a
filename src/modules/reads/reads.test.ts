import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { requireAuth } from '../../kernel/auth.js';
import { updateWorkspaceSettings } from '../workspaces/settings-service.js';
import { purgeReadLedger, recordPersonalRead } from './index.js';

/** People the test route "shows", in a fixed order so pages are stable. */
const PEOPLE = Array.from({ length: 300 }, () => randomUUID());
const PAGE = 10;

/**
 * Stands in for the contacts routes: shows a page of people, declaring the
 * read exactly as they do, before answering.
 */
function registerTestPeopleRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/test/people', {
    config: { permission: 'contacts:read' },
    schema: { querystring: z.object({ page: z.coerce.number().int().min(0), size: z.coerce.number().int().min(0).max(300).default(PAGE) }) },
  }, async (req) => {
    const auth = requireAuth(req);
    const ids = PEOPLE.slice(req.query.page * req.query.size, (req.query.page + 1) * req.query.size);
    await ctx.db.withWorkspace(auth.workspaceId, (trx) =>
      recordPersonalRead(ctx, trx, { auth, requestId: String(req.id) }, { subjectIds: ids, purpose: 'crm.list' }),
    );
    return { items: ids };
  });
}

let h: TestApp;
// Real time plus an offset the tests move: mail jobs are due by the database's clock.
let offset = 0;
const HOUR = 3_600_000;
beforeAll(async () => {
  // The people routes first: the refusal hook must hold for routes registered before it too.
  h = await createTestApp({ extraRoutes: [registerTestPeopleRoutes], now: () => new Date(Date.now() + offset) });
});
afterAll(async () => {
  await h?.close();
});

interface Ws {
  workspaceId: string;
  ownerId: string;
  ownerEmail: string;
  owner: SignedIn;
  dpo: SignedIn;
  support: SignedIn;
}

async function workspaceWithBudget(budget: number): Promise<Ws> {
  const ws = await makeWorkspace(h);
  await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => updateWorkspaceSettings(trx, h.ctx.vault, ws.workspaceId, { readBudgetPerHour: budget }));
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  const dpo = await signInAs(h, ws.workspaceId, 'dpo');
  const support = await signInAs(h, ws.workspaceId, 'support');
  return { ...ws, owner, dpo, support };
}

const asCookie = (m: SignedIn) => ({ cookie: m.cookie });
/** A new session for the same member after the clock moved past the idle limit. */
const resume = (m: SignedIn, role: 'support' | 'dpo') => signInAs(h, m.workspaceId, role, { userId: m.userId, email: m.email, enrolled: false });
const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });
const page = (headers: Record<string, string>, n: number, size = PAGE) =>
  h.app.inject({ method: 'GET', url: `/test/people?page=${n}&size=${size}`, headers });
const idsOf = (n: number, size = PAGE) => PEOPLE.slice(n * size, (n + 1) * size);

async function rows<R>(workspaceId: string, query: ReturnType<typeof sql<R>>): Promise<R[]> {
  return (await h.ctx.db.withWorkspace(workspaceId, (trx) => query.execute(trx))).rows;
}

const auditEvents = (workspaceId: string, action: string) =>
  rows<{ actor_type: string; actor_id: string; subject_ids: string[]; purpose: string | null; details: Record<string, unknown> | null; request_id: string | null }>(
    workspaceId,
    sql`select actor_type, actor_id, subject_ids, purpose, details, request_id from audit_events where action = ${action} order by id`,
  );

const noticesOf = (workspaceId: string, userId: string) =>
  rows<{ kind: string; payload: Record<string, unknown> }>(workspaceId, sql`select kind, payload from notifications where user_id = ${userId} order by created_at`);

const ledgerCount = async (workspaceId: string, key: string) =>
  (await rows<{ n: number }>(workspaceId, sql`select count(*)::int as n from read_ledger where actor_key = ${key}`))[0]?.n;

/** Sends what is queued, then returns the messages the .eml fallback wrote since last asked. */
const seen = new Set<string>();
async function newMail(): Promise<string[]> {
  for (let i = 0; i < 20 && (await h.ctx.jobs.runOnce(h.ctx.now())).claimed > 0; i++);
  const dir = path.join(h.ctx.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const fresh = fs.readdirSync(dir).filter((f) => f.endsWith('.eml') && !seen.has(f)).sort();
  fresh.forEach((f) => seen.add(f));
  return fresh.map((f) => fs.readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}
const mailTo = (mails: string[], email: string) => mails.filter((m) => new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(m));

describe('reading many people: a role without the export permission', () => {
  it('pages up to the budget, then gets 429 with Retry-After; owners and the DPO are told once; refused ids do not count', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(50);
    await newMail();
    for (let n = 0; n < 5; n++) expect((await page(asCookie(ws.support), n)).statusCode).toBe(200);
    const refused = await page(asCookie(ws.support), 5);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = refused.json<{ status: number; type: string }>();
    expect(problem.status).toBe(429);
    expect(problem.type).toMatch(/\/read-budget$/);
    // All 50 were read just now: 10 of them must age out, an hour from now
    // (and up to a minute more: the window moves by whole minutes).
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3_500);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3_660);
    expect(await ledgerCount(ws.workspaceId, `user:${ws.support.userId}`)).toBe(50);

    offset = 10 * 60_000;
    const again = await page(asCookie(ws.support), 6);
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(3_060);

    for (const m of [ws.owner, ws.dpo]) {
      const notices = await noticesOf(ws.workspaceId, m.userId);
      expect(notices).toEqual([{ kind: 'read_budget_exceeded', payload: { actorType: 'user', actorId: ws.support.userId, distinctPeople: 60, budget: 50, refused: true } }]);
    }
    expect(await noticesOf(ws.workspaceId, ws.support.userId)).toEqual([]);
    const mails = await newMail();
    for (const email of [ws.ownerEmail, ws.dpo.email]) {
      const mine = mailTo(mails, email);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain(ws.support.email);
      expect(mine[0]).toContain('read 50 distinct people');
    }
    expect(mailTo(mails, ws.support.email)).toEqual([]);

    const exceeded = await auditEvents(ws.workspaceId, 'access.read_budget_exceeded');
    expect(exceeded.map((e) => e.details)).toEqual([
      { distinctPeople: 60, readBefore: 50, budget: 50, refused: true, alerted: true },
      { distinctPeople: 60, readBefore: 50, budget: 50, refused: true, alerted: false },
    ]);
    expect(exceeded.every((e) => e.actor_id === ws.support.userId && e.subject_ids.length === 0)).toBe(true);
    // Refused pages are not reads: no contact.read event names their people.
    const reads = await auditEvents(ws.workspaceId, 'contact.read');
    expect(reads.flatMap((e) => e.subject_ids)).not.toContain(idsOf(5)[0]);
  });

  it('re-reading the same people does not count twice, and after an hour the budget is back', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(50);
    for (let n = 0; n < 5; n++) expect((await page(asCookie(ws.support), n)).statusCode).toBe(200);
    for (let n = 0; n < 5; n++) expect((await page(asCookie(ws.support), n)).statusCode).toBe(200);
    expect((await page(asCookie(ws.support), 5)).statusCode).toBe(429);

    offset = HOUR + 60_000;
    const support = await resume(ws.support, 'support');
    expect((await page(asCookie(support), 5)).statusCode).toBe(200);
    for (let n = 6; n < 10; n++) expect((await page(asCookie(support), n)).statusCode).toBe(200);
    expect((await page(asCookie(support), 10)).statusCode).toBe(429);
  });

  it('the hourly purge forgets what is older than the hour by the database’s clock, whatever the caller’s clock says', async () => {
    offset = -2 * HOUR;
    const ws = await workspaceWithBudget(50);
    const key = `user:${ws.support.userId}`;
    expect((await page(asCookie(ws.support), 0)).statusCode).toBe(200);
    offset = -10 * 60_000;
    const support = await resume(ws.support, 'support');
    expect((await page(asCookie(support), 1)).statusCode).toBe(200);
    expect(await ledgerCount(ws.workspaceId, key)).toBe(20);
    // A caller whose clock runs three hours ahead cannot make the purge take this hour's reads.
    offset = 3 * HOUR;
    expect(await purgeReadLedger(h.ctx)).toBeGreaterThanOrEqual(10);
    expect(await ledgerCount(ws.workspaceId, key)).toBe(10);
    const kept = await rows<{ people: number }>(ws.workspaceId, sql`select coalesce(sum(people), 0)::int as people from read_window_counts where actor_key = ${key}`);
    expect(kept[0]?.people).toBe(10);
  });

  it('tells the actor to wait only until enough of the hour’s reads age out', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(20);
    expect((await page(asCookie(ws.support), 0)).statusCode).toBe(200);
    offset = 30 * 60_000;
    const support = await resume(ws.support, 'support');
    expect((await page(asCookie(support), 1)).statusCode).toBe(200);
    // Page 2 needs 10 places: the 10 read first leave the window 30 minutes
    // from now, or up to a minute later (the window moves by whole minutes).
    const refused = await page(asCookie(support), 2);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(1_700);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(1_860);
    // A page larger than the whole budget can never fit: wait the full hour.
    const huge = await page(asCookie(support), 0, 30);
    expect(huge.statusCode).toBe(429);
    expect(Number(huge.headers['retry-after'])).toBe(3_600);
  });
});

describe('reading many people in parallel', () => {
  it('cannot run past the budget by sending pages at once', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(50);
    const answers = await Promise.all(Array.from({ length: 10 }, (_v, n) => page(asCookie(ws.support), n)));
    expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(5);
    expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(5);
    expect(await ledgerCount(ws.workspaceId, `user:${ws.support.userId}`)).toBe(50);
    // However many refusals raced, owners heard once.
    expect(await noticesOf(ws.workspaceId, ws.ownerId)).toHaveLength(1);
  });
});

describe('reading many people: a role with the export permission', () => {
  it('is allowed past the budget, and owners and the DPO are still alerted, once', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(50);
    await newMail();
    for (let n = 0; n < 9; n++) expect((await page(asCookie(ws.owner), n)).statusCode).toBe(200);
    expect(await ledgerCount(ws.workspaceId, `user:${ws.owner.userId}`)).toBe(90);
    for (const m of [ws.owner, ws.dpo]) {
      expect(await noticesOf(ws.workspaceId, m.userId)).toEqual([
        { kind: 'read_budget_exceeded', payload: { actorType: 'user', actorId: ws.owner.userId, distinctPeople: 60, budget: 50, refused: false } },
      ]);
    }
    const mails = await newMail();
    expect(mailTo(mails, ws.dpo.email)).toHaveLength(1);
    expect(mailTo(mails, ws.dpo.email)[0]).toContain(`${ws.ownerEmail} read 60 distinct people`);
    const exceeded = await auditEvents(ws.workspaceId, 'access.read_budget_exceeded');
    expect(exceeded.map((e) => e.details)).toEqual([{ distinctPeople: 60, readBefore: 50, budget: 50, refused: false, alerted: true }]);
  });
});

describe('the audit record of a read', () => {
  it('is one event per page listing every person shown, with the purpose, the actor and the request', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(1000);
    const res = await page(asCookie(ws.support), 0, 200);
    expect(res.statusCode).toBe(200);
    const reads = await auditEvents(ws.workspaceId, 'contact.read');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor_type: 'user', actor_id: ws.support.userId, purpose: 'crm.list', request_id: res.headers['x-request-id'] });
    expect([...(reads[0]?.subject_ids ?? [])].sort()).toEqual([...idsOf(0, 200)].sort());
  });

  it('records nothing for a page that shows nobody', async () => {
    const ws = await workspaceWithBudget(1000);
    expect((await page(asCookie(ws.support), 1000)).statusCode).toBe(200);
    expect(await auditEvents(ws.workspaceId, 'contact.read')).toEqual([]);
    expect(await ledgerCount(ws.workspaceId, `user:${ws.support.userId}`)).toBe(0);
  });
});

describe('a token’s reads', () => {
  const tokenIds = async (workspaceId: string) =>
    rows<{ id: string; name: string; created_by: string | null }>(workspaceId, sql`select id, name, created_by from api_tokens order by created_at, id`);

  it('count under the member who made the token: two tokens and a session share one budget, one alert', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(50);
    await newMail();
    const first = await tokenFor(h, ws.workspaceId, ['contacts:read'], ws.support.userId);
    const second = await tokenFor(h, ws.workspaceId, ['contacts:read'], ws.support.userId);
    const made = await tokenIds(ws.workspaceId);
    const [idA, idB] = [made[0]?.id, made[1]?.id];
    expect(made.map((t) => t.created_by)).toEqual([ws.support.userId, ws.support.userId]);

    for (const n of [0, 1]) expect((await page(asCookie(ws.support), n)).statusCode).toBe(200);
    for (const n of [2, 3]) expect((await page(asBearer(first), n)).statusCode).toBe(200);
    expect((await page(asBearer(second), 4)).statusCode).toBe(200);
    // 50 distinct people through three credentials: the member's budget is spent.
    expect((await page(asBearer(second), 5)).statusCode).toBe(429);
    expect((await page(asCookie(ws.support), 6)).statusCode).toBe(429);
    expect((await page(asBearer(first), 7)).statusCode).toBe(429);
    // People already read this hour are not new, whichever credential read them.
    expect((await page(asBearer(first), 0)).statusCode).toBe(200);
    expect(await ledgerCount(ws.workspaceId, `user:${ws.support.userId}`)).toBe(50);
    expect(await ledgerCount(ws.workspaceId, `token:${idA}`)).toBe(0);

    for (const m of [ws.owner, ws.dpo]) {
      expect(await noticesOf(ws.workspaceId, m.userId)).toEqual([
        { kind: 'read_budget_exceeded', payload: { actorType: 'token', actorId: idB, memberId: ws.support.userId, distinctPeople: 60, budget: 50, refused: true } },
      ]);
    }
    const mails = await newMail();
    for (const email of [ws.ownerEmail, ws.dpo.email]) {
      const mine = mailTo(mails, email);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain(ws.support.email);
      expect(mine[0]).toContain(`"${made[1]?.name}"`);
    }
    // The audit trail names the credential that read, not only the member.
    const reads = await auditEvents(ws.workspaceId, 'contact.read');
    expect(reads.map((e) => [e.actor_type, e.actor_id])).toEqual([
      ['user', ws.support.userId], ['user', ws.support.userId], ['token', idA], ['token', idA], ['token', idB], ['token', idA],
    ]);
    const exceeded = await auditEvents(ws.workspaceId, 'access.read_budget_exceeded');
    expect(exceeded.map((e) => [e.actor_type, e.actor_id, e.details?.alerted])).toEqual([['token', idB, true], ['user', ws.support.userId, false], ['token', idA, false]]);
    expect(exceeded[0]?.details).toMatchObject({ memberId: ws.support.userId, readBefore: 50 });
  });

  it('an operator’s token (made from the CLI, no member) keeps a budget of its own, and the alert names it', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(50);
    await newMail();
    const token = await tokenFor(h, ws.workspaceId, ['contacts:read'], null);
    const tokenRow = (await tokenIds(ws.workspaceId))[0];
    for (let n = 0; n < 4; n++) expect((await page(asCookie(ws.support), n)).statusCode).toBe(200);
    for (let n = 10; n < 15; n++) expect((await page(asBearer(token), n)).statusCode).toBe(200);
    expect(await ledgerCount(ws.workspaceId, `token:${tokenRow?.id}`)).toBe(50);
    expect(await ledgerCount(ws.workspaceId, `user:${ws.support.userId}`)).toBe(40);
    expect((await page(asBearer(token), 15)).statusCode).toBe(429);
    expect((await page(asCookie(ws.support), 4)).statusCode).toBe(200);
    const reads = await auditEvents(ws.workspaceId, 'contact.read');
    expect(reads.filter((e) => e.actor_type === 'token')).toHaveLength(5);
    expect((await noticesOf(ws.workspaceId, ws.dpo.userId))[0]?.payload).toEqual({ actorType: 'token', actorId: tokenRow?.id, distinctPeople: 60, budget: 50, refused: true });
    const mails = mailTo(await newMail(), ws.dpo.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain(`"${tokenRow?.name}"`);
  });
});

describe('notifications API', () => {
  interface Page {
    items: Array<{ id: string; kind: string; payload: Record<string, unknown>; createdAt: string; readAt: string | null }>;
    nextCursor: string | null;
  }
  const list = (m: SignedIn, query = '') => h.app.inject({ method: 'GET', url: `/api/v1/notifications${query}`, headers: asCookie(m) });
  const markRead = (m: SignedIn, id: string) => h.app.inject({ method: 'POST', url: `/api/v1/notifications/${id}/read`, headers: m.headers });

  it('lists a member’s own notices newest first, pages them, and marks one read', async () => {
    offset = 0;
    const ws = await workspaceWithBudget(10);
    expect((await page(asCookie(ws.support), 0, 20)).statusCode).toBe(429);
    offset = HOUR + 60_000;
    const [support, dpo] = [await resume(ws.support, 'support'), await resume(ws.dpo, 'dpo')];
    expect((await page(asCookie(support), 0, 20)).statusCode).toBe(429);
    ws.support = support;
    ws.dpo = dpo;

    const first = (await list(ws.dpo, '?limit=1')).json<Page>();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = (await list(ws.dpo, `?limit=1&cursor=${first.nextCursor}`)).json<Page>();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]!.createdAt > second.items[0]!.createdAt).toBe(true);

    expect((await list(ws.support)).json<Page>().items).toEqual([]);
    const id = first.items[0]!.id;
    expect((await markRead(ws.support, id)).statusCode).toBe(404);
    expect((await markRead(ws.dpo, id)).statusCode).toBe(204);
    const after = (await list(ws.dpo)).json<Page>();
    expect(after.items.find((n) => n.id === id)?.readAt).not.toBeNull();
    expect(after.items.filter((n) => n.readAt === null)).toHaveLength(1);

    const bad = await list(ws.dpo, '?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
  });
});
