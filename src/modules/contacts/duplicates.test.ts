import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { api, contactsApp, created, workspace } from './contacts.test-helper.js';

let h: TestApp;
let c: ReturnType<typeof api>;
beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
});
afterAll(async () => {
  await h.close();
});

describe('duplicates on create (email index, then phone index)', () => {
  it('a known phone, written another way, is a 409 /duplicate-contact with the existing id', async () => {
    const ws = await workspace(h, 'DE');
    const id = created(await c.create(ws.owner, { firstName: 'Pia', lastName: 'Phone', phones: [{ number: '030 1234567' }] }));
    const dup = await c.create(ws.owner, { firstName: 'X', lastName: 'Y', emails: [{ address: 'new@x.example' }], phones: [{ number: '+49 (30) 123-4567' }] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ existingId: id });
    expect(dup.json<{ type: string }>().type).toMatch(/\/duplicate-contact$/);
    expect(dup.body).not.toContain('4567');
    // Another number is not a duplicate; an invalid one is the create's 422, not a match.
    created(await c.create(ws.owner, { firstName: 'Q', lastName: 'R', phones: [{ number: '030 7654321' }] }));
    expect((await c.create(ws.owner, { firstName: 'Q', lastName: 'R', phones: [{ number: '12' }] })).statusCode).toBe(422);
  });

  it('the email match wins over the phone match', async () => {
    const ws = await workspace(h, 'DE');
    const byEmail = created(await c.create(ws.owner, { firstName: 'E', lastName: 'Mail', emails: [{ address: 'e@mail.example' }] }));
    created(await c.create(ws.owner, { firstName: 'P', lastName: 'Hone', phones: [{ number: '030 1111111' }] }));
    const dup = await c.create(ws.owner, { firstName: 'Z', lastName: 'Z', emails: [{ address: 'E@Mail.example' }], phones: [{ number: '030 1111111' }] });
    expect(dup.json()).toMatchObject({ existingId: byEmail });
  });
});
