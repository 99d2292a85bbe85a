/**
 * The API takes an amount only as whole minor units (amountCents, a JSON
 * integer): text such as "48 500,00", a number in a string or a fraction of a
 * cent is refused with a 400 naming the field, never read one way or another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { workspace } from '../contacts/contacts.test-helper.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

describe('deal amounts through the API', () => {
  it('stores whole cents as given and refuses text, numbers in strings and fractions of a cent', async () => {
    const ws = await workspace(h);
    const post = (amountCents: unknown) =>
      h.app.inject({ method: 'POST', url: '/api/v1/deals', headers: ws.owner.headers, payload: { title: 'Order', amountCents, currency: 'EUR' } });
    const ok = await post(4_850_000);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ amountCents: 4_850_000 });

    for (const bad of ['48 500,00', '4850000', 48500.5, -100, Number.MAX_SAFE_INTEGER + 2]) {
      const r = await post(bad);
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect([...new Set(r.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path))]).toEqual(['body.amountCents']);
    }
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/deals', headers: { cookie: ws.owner.cookie } });
    expect(list.json<{ items: Array<{ amountCents: number | null }> }>().items.map((d) => d.amountCents)).toEqual([4_850_000]);
  });
});
