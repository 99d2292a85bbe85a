import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace, signInAs, tokenFor, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';

let h: TestApp;

beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

async function workspace() {
  const ws = await makeWorkspace(h);
  const owner = await signInAs(h, ws.workspaceId, 'owner', { userId: ws.ownerId, email: ws.ownerEmail });
  return { ...ws, owner };
}
const post = (who: SignedIn, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/custom-fields', headers: who.headers, payload });
const patch = (who: SignedIn, id: string, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'PATCH', url: `/api/v1/custom-fields/${id}`, headers: who.headers, payload });
const paths = (r: { json: () => unknown }) => (r.json() as { errors?: Array<{ path: string }> }).errors?.map((e) => e.path);

describe('custom fields API', () => {
  it('defines, lists, relabels, extends and archives fields; audits each change', async () => {
    const ws = await workspace();
    const r = await post(ws.owner, { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'], dataCategory: 'professional' });
    expect(r.statusCode).toBe(201);
    const f = r.json<{ id: string }>();
    expect(f).toMatchObject({ key: 'tier', type: 'select', options: ['gold', 'silver'], legalGround: null, archivedAt: null });
    expect((await post(ws.owner, { key: 'birthday', label: 'Birthday', type: 'date', dataCategory: 'identity' })).statusCode).toBe(201);

    expect((await patch(ws.owner, f.id, { label: 'Customer tier', options: ['gold', 'silver', 'bronze'] })).json())
      .toMatchObject({ label: 'Customer tier', options: ['gold', 'silver', 'bronze'] });
    const drop = await patch(ws.owner, f.id, { options: ['gold'] });
    expect(drop.statusCode).toBe(422);
    expect(paths(drop)).toEqual(['options']);
    expect((await patch(ws.owner, f.id, { archived: true })).json<{ archivedAt: string | null }>().archivedAt).not.toBeNull();

    const list = async (q = '') => (await h.app.inject({ method: 'GET', url: `/api/v1/custom-fields${q}`, headers: { cookie: ws.owner.cookie } }))
      .json<{ items: Array<{ key: string }>; nextCursor: string | null }>();
    expect((await list()).items.map((i) => i.key)).toEqual(['birthday']);
    expect((await list('?includeArchived=true')).items.map((i) => i.key)).toEqual(['tier', 'birthday']);
    const first = await list('?includeArchived=true&limit=1');
    expect(first.items.map((i) => i.key)).toEqual(['tier']);
    expect((await list(`?includeArchived=true&limit=1&cursor=${first.nextCursor}`)).items.map((i) => i.key)).toEqual(['birthday']);

    const events = await asOwner<{ action: string }>(h.t, `select action from audit_events where workspace_id = $1 and action like 'custom_field.%' order by id`, [ws.workspaceId]);
    expect(events.map((e) => e.action)).toEqual(['custom_field.created', 'custom_field.created', 'custom_field.updated', 'custom_field.archived']);
  });

  it('refuses bad definitions: taken key, options on the wrong type, bad key', async () => {
    const ws = await workspace();
    expect((await post(ws.owner, { key: 'size', label: 'Size', type: 'number', dataCategory: 'professional' })).statusCode).toBe(201);
    const taken = await post(ws.owner, { key: 'size', label: 'Size again', type: 'text', dataCategory: 'professional' });
    expect(taken.statusCode).toBe(409);
    expect(paths(taken)).toEqual(['key']);
    expect(paths(await post(ws.owner, { key: 'colour', label: 'C', type: 'select', dataCategory: 'behavioural' }))).toEqual(['options']);
    expect(paths(await post(ws.owner, { key: 'note', label: 'N', type: 'text', options: ['a'], dataCategory: 'behavioural' }))).toEqual(['options']);
    expect((await post(ws.owner, { key: 'Bad-Key', label: 'B', type: 'text', dataCategory: 'identity' })).statusCode).toBe(400);
    expect((await post(ws.owner, { key: 'x', label: 'X', type: 'colour', dataCategory: 'identity' })).statusCode).toBe(400);
  });

  it('a special-category field needs a legal ground, which only an owner records', async () => {
    const ws = await workspace();
    const health = { key: 'healthNotes', label: 'Health notes', type: 'text', dataCategory: 'special_category' };
    const missing = await post(ws.owner, health);
    expect(missing.statusCode).toBe(422);
    expect(paths(missing)).toEqual(['legalGround']);
    const admin = await signInAs(h, ws.workspaceId, 'admin');
    expect((await post(admin, health)).statusCode).toBe(422);
    const ground = 'Art. 9(2)(a): explicit consent collected on the intake form v3.';
    expect((await post(admin, { ...health, legalGround: ground })).statusCode).toBe(403);
    const made = await post(ws.owner, { ...health, legalGround: ground });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ legalGround: ground, legalGroundRecordedBy: ws.ownerId });
    const id = made.json<{ id: string }>().id;
    expect((await patch(admin, id, { legalGround: 'Art. 9(2)(h)' })).statusCode).toBe(403);
    expect((await patch(admin, id, { label: 'Health' })).statusCode).toBe(200);
    // a legal ground on an ordinary field is a mistake, not a record
    expect(paths(await post(ws.owner, { key: 'city', label: 'City', type: 'text', dataCategory: 'location', legalGround: ground }))).toEqual(['legalGround']);
    // the database refuses a special-category field without one, whoever writes it
    await expect(asOwner(h.t, `update custom_fields set legal_ground = null where id = $1`, [id])).rejects.toThrow(/check/i);
  });

  it('support and sales read definitions but cannot manage them; tokens by scope', async () => {
    const ws = await workspace();
    for (const role of ['support', 'sales', 'dpo'] as const) {
      const m = await signInAs(h, ws.workspaceId, role);
      expect((await h.app.inject({ method: 'GET', url: '/api/v1/custom-fields', headers: { cookie: m.cookie } })).statusCode).toBe(200);
      expect((await post(m, { key: 'k', label: 'K', type: 'text', dataCategory: 'identity' })).statusCode).toBe(403);
    }
    const token = await tokenFor(h, ws.workspaceId, ['workspace:manage', 'contacts:read'], ws.ownerId);
    const headers = { authorization: `Bearer ${token}` };
    const viaToken = await h.app.inject({ method: 'POST', url: '/api/v1/custom-fields', headers, payload: { key: 'viaToken', label: 'T', type: 'boolean', dataCategory: 'behavioural' } });
    expect(viaToken.statusCode).toBe(201);
    // recording a legal ground is an owner's own act, not a token's
    const special = await h.app.inject({ method: 'POST', url: '/api/v1/custom-fields', headers, payload: { key: 'faith', label: 'F', type: 'text', dataCategory: 'special_category', legalGround: 'Art. 9(2)(d)' } });
    expect(special.statusCode).toBe(403);
  });
});
