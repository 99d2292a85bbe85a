/**
 * The two ways a word search reads its candidates (docs/crm-contacts.md
 * "The indexes"): through the GIN index by confidant_contacts_holding (few
 * holders), or walking the id order with the terms as a filter (a common
 * word). Both must give the same contacts in the same order; the holders'
 * path pages by key with other filters applied; and the function never
 * answers with another workspace's contacts.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { signInAs } from '../../../test/helpers/auth.js';
import { candidateRows, termHolders, type BlindFilter } from './candidates.js';
import { api, basics, contactsApp, workspace, type Page, type Ws } from './contacts.test-helper.js';
import { TOKEN_INDEX } from './lookup.js';
import { queryToken } from './normalize.js';
import { createContacts } from './service.js';
import { termOf, termsLiteral, workspaceTag } from './terms.js';

let h: TestApp;
let ws: Ws;
let other: Ws;
beforeAll(async () => {
  h = await contactsApp();
  ws = await workspace(h);
  other = await workspace(h);
});
afterAll(async () => {
  await h.close();
});

async function tokenTerm(w: Ws, word: string): Promise<number> {
  return h.ctx.db.withWorkspace(w.workspaceId, async (trx) => {
    const [prf] = await h.ctx.vault.blockIndexCandidates(trx, w.workspaceId, TOKEN_INDEX.name);
    return termOf(workspaceTag(w.workspaceId), 'token', prf!.one(queryToken(word), TOKEN_INDEX.bits));
  });
}

describe('word search through the GIN index and along the id order', () => {
  it('both paths give the same candidates in the same order, page after page', async () => {
    await h.ctx.db.withWorkspace(ws.workspaceId, (trx) => createContacts(h.ctx, trx, ws.workspaceId,
      Array.from({ length: 130 }, (_, i) => ({ ...basics, firstName: i % 3 === 0 ? 'Wolkenkratzer' : 'Other', lastName: `N${i}` }))));
    const term = await tokenTerm(ws, 'wolken');
    await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
      const held = await termHolders(trx, [term], 1_000);
      expect(held).toHaveLength(44);
      expect(await termHolders(trx, [term], 10)).toBeNull(); // more than the cap: the caller walks instead
      const walk = async (filters: BlindFilter[]): Promise<string[]> => {
        const out: string[] = [];
        let after: { value: null; id: string } | null = null;
        for (;;) {
          const rows = await candidateRows(trx, { workspaceId: ws.workspaceId, filters, order: 'id', desc: false, after, limit: 10 });
          out.push(...rows.map((r) => r.id));
          if (rows.length < 10) return out;
          after = { value: null, id: rows[rows.length - 1]!.id };
        }
      };
      const byTerms = await walk([{ type: 'terms', values: [term] }]);
      const byIds = await walk([{ type: 'ids', values: held! }]);
      expect(byIds).toEqual(byTerms);
      expect(byIds).toEqual([...held!]);
    });
  });

  it('pages the holders by key with record visibility applied (a page is full when matches remain)', async () => {
    const w = await workspace(h);
    const sales = await signInAs(h, w.workspaceId, 'sales');
    await asOwner(h.t, `update workspaces set settings = settings || '{"recordVisibility": {"sales": "own"}}'::jsonb where id = $1`, [w.workspaceId]);
    // 90 holders of the word, every third owned by the sales member: their 30 must come in full pages of 7.
    const mine = new Set<string>();
    await h.ctx.db.withWorkspace(w.workspaceId, async (trx) => {
      const made = await createContacts(h.ctx, trx, w.workspaceId,
        Array.from({ length: 90 }, (_, i) => ({ ...basics, firstName: 'Quirinus', lastName: `Q${i}`, ownerId: i % 3 === 0 ? sales.userId : w.owner.userId })));
      for (const c of made) if (c.ownerId === sales.userId) mine.add(c.id);
    });
    const c = api(h);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await c.list(sales, { q: 'quirin', limit: 7, ...(cursor ? { cursor } : {}) });
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json<Page>();
      if (page.nextCursor) expect(page.items).toHaveLength(7);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...mine].sort());
  });

  it('confidant_contacts_holding answers for the transaction’s workspace only', async () => {
    await h.ctx.db.withWorkspace(other.workspaceId, (trx) => createContacts(h.ctx, trx, other.workspaceId, [{ ...basics, firstName: 'Xanthippe', lastName: 'Other' }]));
    const [row] = await asOwner<{ terms: string[] }>(h.t, `select terms::text[] as terms from contacts where workspace_id = $1`, [other.workspaceId]);
    const theirs = row!.terms.map(Number);
    const ask = (w: Ws) => h.ctx.db.withWorkspace(w.workspaceId, async (trx) =>
      (await sql<{ id: string }>`select confidant_contacts_holding(${termsLiteral(theirs.slice(0, 1))}::bigint[], null) as id`.execute(trx)).rows);
    expect(await ask(other)).toHaveLength(1);
    expect(await ask(ws)).toEqual([]);
    // No workspace set: nothing.
    expect((await h.ctx.db.withSystem(async (trx) =>
      (await sql<{ id: string }>`select confidant_contacts_holding(${termsLiteral(theirs.slice(0, 1))}::bigint[], null) as id`.execute(trx)).rows))).toEqual([]);
  });
});
