import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { signInAs } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { DecryptionError, openJsonWithKey } from '../../platform/crypto/index.js';
import { api, contactsApp, created, workspace, type Page } from './contacts.test-helper.js';
import { contactTarget } from './record.js';

let h: TestApp;
let c: ReturnType<typeof api>;
beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
});
afterAll(async () => {
  await h.close();
});

describe('contacts CRUD', () => {
  it('creates, reads, updates and deletes; normalizes email and phone', async () => {
    const ws = await workspace(h, 'DE');
    const r = await c.create(ws.owner, {
      firstName: 'Jürgen', lastName: 'Groß', emails: [{ address: '  Jürgen.Gross@Example.COM ' }],
      phones: [{ number: '030 1234567' }], tags: ['VIP'], address: { city: 'Berlin' },
    });
    const id = created(r);
    expect(r.json()).toMatchObject({
      firstName: 'Jürgen', lastName: 'Groß', emails: [{ address: 'jürgen.gross@example.com', primary: true }],
      phones: [{ number: '+49301234567' }], ownerId: ws.owner.userId, createdBy: ws.owner.userId, recordVersion: 1,
    });
    expect((await c.get(ws.owner, id)).json()).toMatchObject({ id, lastName: 'Groß' });
    const p = await c.patch(ws.owner, id, { jobTitle: 'CTO', phones: [] });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ jobTitle: 'CTO', phones: [], recordVersion: 2, lastName: 'Groß' });
    expect((await c.del(ws.owner, id)).statusCode).toBe(204);
    expect((await c.get(ws.owner, id)).statusCode).toBe(404);
    const rows = await asOwner(h.t, `select 1 from contact_lookup where contact_id = $1 union all select 1 from contacts where id = $1`, [id]);
    expect(rows).toEqual([]);
    const events = await asOwner<{ action: string }>(h.t, `select action from audit_events where $1 = any(subject_ids) order by id`, [id]);
    // The create and the change answer with the person: reads, like the GET.
    expect(events.map((e) => e.action)).toEqual(['contact.created', 'contact.read', 'contact.read', 'contact.updated', 'contact.read', 'contact.deleted']);
  });

  it('refuses bad input with 422 naming the field; a national number needs a default country', async () => {
    const ws = await workspace(h);
    const bad = await c.create(ws.owner, { firstName: 'A', lastName: 'B', emails: [{ address: 'not-an-email' }], phones: [{ number: '+49301234567' }, { number: '030 1234567' }] });
    expect(bad.statusCode).toBe(422);
    const paths = bad.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path);
    expect(paths).toEqual(['emails.0.address', 'phones.1.number']);
    expect(bad.body).not.toContain('not-an-email');
    expect((await c.create(ws.owner, { firstName: 'A', lastName: 'B', emails: [], lawfulBasis: 'whim' })).statusCode).toBe(400);
    expect((await c.create(ws.owner, { firstName: 'A', lastName: 'B', companyId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(422);
  });

  it('a known email is a 409 /duplicate-contact with the existing id; email lookup is exact and case-insensitive', async () => {
    const ws = await workspace(h);
    const id = created(await c.create(ws.owner, { firstName: 'Ann', lastName: 'Lee', emails: [{ address: 'ann@lee.example' }] }));
    created(await c.create(ws.owner, { firstName: 'Anne', lastName: 'Leer', emails: [{ address: 'ann@lee.example.org' }] }));
    const dup = await c.create(ws.owner, { firstName: 'X', lastName: 'Y', emails: [{ address: 'ANN@Lee.Example' }] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ existingId: id });
    expect(dup.json<{ type: string }>().type).toMatch(/\/duplicate-contact$/);
    const found = (await c.list(ws.owner, { email: ' Ann@LEE.example' })).json<Page>();
    expect(found.items.map((i) => i.id)).toEqual([id]);
    const other = await workspace(h);
    expect((await c.list(other.owner, { email: 'ann@lee.example' })).json<Page>().items).toEqual([]);
    expect((await c.get(other.owner, id)).statusCode).toBe(404);
  });

  it("record visibility 'own' limits sales to their contacts", async () => {
    const ws = await workspace(h);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const theirs = created(await c.create(ws.owner, { firstName: 'Owned', lastName: 'ByOwner' }));
    const mine = created(await c.create(sales, { firstName: 'Owned', lastName: 'BySales' }));
    expect((await c.list(sales, {})).json<Page>().items).toHaveLength(2);
    await asOwner(h.t, `update workspaces set settings = settings || '{"recordVisibility":{"sales":"own"}}'::jsonb where id = $1`, [ws.workspaceId]);
    expect((await c.list(sales, {})).json<Page>().items.map((i) => i.id)).toEqual([mine]);
    expect((await c.list(sales, { q: 'owned' })).json<Page>().items.map((i) => i.id)).toEqual([mine]);
    expect((await c.get(sales, theirs)).statusCode).toBe(404);
    expect((await c.patch(sales, theirs, { jobTitle: 'x' })).statusCode).toBe(404);
    expect((await c.get(sales, mine)).statusCode).toBe(200);
    expect((await c.list(ws.owner, {})).json<Page>().items).toHaveLength(2);
  });

  it("the 409 names an existing contact only to whom may see it, and naming it is a read", async () => {
    const ws = await workspace(h);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    const theirs = created(await c.create(ws.owner, { firstName: 'Hidden', lastName: 'Person', emails: [{ address: 'hidden@people.example' }] }));
    const mine = created(await c.create(sales, { firstName: 'Own', lastName: 'Person', emails: [{ address: 'own@people.example' }] }));
    await asOwner(h.t, `update workspaces set settings = settings || '{"recordVisibility":{"sales":"own"}}'::jsonb where id = $1`, [ws.workspaceId]);
    const readsOf = (id: string) => asOwner<{ purpose: string }>(h.t,
      `select purpose from audit_events where workspace_id = $1 and action = 'contact.read' and actor_id = $2 and $3 = any(subject_ids) order by id`, [ws.workspaceId, sales.userId, id]);
    const hidden = await c.create(sales, { firstName: 'X', lastName: 'Y', emails: [{ address: 'Hidden@People.example' }] });
    expect(hidden.statusCode).toBe(409);
    expect(hidden.json<{ type: string }>().type).toMatch(/\/duplicate-contact$/);
    expect(hidden.json()).not.toHaveProperty('existingId');
    expect(hidden.body).not.toContain(theirs);
    expect(await readsOf(theirs)).toEqual([]);
    const own = await c.create(sales, { firstName: 'X', lastName: 'Y', emails: [{ address: 'own@people.example' }] });
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({ existingId: mine });
    expect((await readsOf(mine)).map((e) => e.purpose)).toEqual(['crm.view', 'crm.search']);
    // The owner sees every contact: the id is given.
    expect((await c.create(ws.owner, { firstName: 'X', lastName: 'Y', emails: [{ address: 'hidden@people.example' }] })).json()).toMatchObject({ existingId: theirs });
  });

  it('every read is one audit event with the shown ids and purpose; the access log lists it', async () => {
    const ws = await workspace(h);
    const ids = [];
    for (const n of ['Alpha', 'Albert', 'Bravo']) ids.push(created(await c.create(ws.owner, { firstName: n, lastName: 'Test' })));
    const support = await signInAs(h, ws.workspaceId, 'support');
    const page = (await c.list(support, { q: 'al', limit: 10 })).json<Page>();
    expect(page.items.map((i) => i.id).sort()).toEqual([ids[0], ids[1]].sort());
    await c.list(support, { limit: 2 });
    await c.get(support, ids[2]!);
    const events = await asOwner<{ purpose: string; subject_ids: string[]; actor_id: string }>(h.t,
      `select purpose, subject_ids, actor_id from audit_events where workspace_id = $1 and action = 'contact.read' and actor_id = $2 order by id`, [ws.workspaceId, support.userId]);
    expect(events.map((e) => e.purpose)).toEqual(['crm.search', 'crm.list', 'crm.view']);
    expect(events[0]!.subject_ids.sort()).toEqual([ids[0], ids[1]].sort());
    expect(events[1]!.subject_ids).toHaveLength(2);
    expect(events[2]!.subject_ids).toEqual([ids[2]]);
    expect(events.every((e) => e.actor_id === support.userId)).toBe(true);
    const log = (await c.log(support, ids[2]!)).json<{ items: Array<{ action: string; actorId: string; purpose: string | null }> }>();
    expect(log.items[0]).toMatchObject({ action: 'contact.read', actorId: support.userId, purpose: 'crm.view' });
    expect(log.items.map((i) => i.action)).toContain('contact.created');
  });

  it('a shredded contact cannot be decrypted and leaves no lookup rows', async () => {
    const ws = await workspace(h);
    const id = created(await c.create(ws.owner, { firstName: 'Gone', lastName: 'Soon', emails: [{ address: 'gone@soon.example' }] }));
    const [row] = await asOwner<{ record: Buffer; record_version: number }>(h.t, 'select record, record_version from contacts where id = $1', [id]);
    expect((await c.del(ws.owner, id)).statusCode).toBe(204);
    const err = await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
      try {
        const key = await h.ctx.vault.dataKey(trx, ws.workspaceId, id);
        openJsonWithKey(key, contactTarget(ws.workspaceId, id, row!.record_version, 'record'), row!.record);
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).code).toBe('shredded');
    expect(await asOwner(h.t, 'select 1 from contact_lookup where contact_id = $1', [id])).toEqual([]);
    expect((await c.list(ws.owner, { email: 'gone@soon.example' })).json<Page>().items).toEqual([]);
  });
});
