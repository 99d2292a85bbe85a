/**
 * THE PLAINTEXT SCAN (THREATS.md "Personal data outside the tables"): after a
 * scenario of create, search, read, update, every text, bytea and jsonb column
 * of every table and the app log are searched for each personal value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { signInAs } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { createCustomField } from '../custom-fields/service.js';
import { api, contactsApp, created, workspace, type Page, type Ws } from './contacts.test-helper.js';

let h: TestApp;
let c: ReturnType<typeof api>;
let ws: Ws;
beforeAll(async () => {
  h = await contactsApp();
  c = api(h);
  ws = await workspace(h, 'DE');
  await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
    const a = { workspaceId: ws.workspaceId, role: 'owner' as const, userId: ws.owner.userId, actor: { type: 'user' as const, id: ws.owner.userId }, now: h.ctx.now() };
    await createCustomField(trx, a, { key: 'favouriteSnack', label: 'Favourite snack', type: 'text', dataCategory: 'behavioural' });
    await createCustomField(trx, a, { key: 'healthNote', label: 'Health note', type: 'text', dataCategory: 'special_category', legalGround: 'Art. 9(2)(a) explicit consent' });
  });
});
afterAll(async () => {
  await h.close();
});

const VALUES = [
  'Xavérïa', 'Quibblesnätch', 'xaveria.quibble@plaintext-probe.example', '+4930987654321', '030 98765 4321',
  'Zebrafinch Lane 17', 'A distinctive biography about xylophones', 'MarzipanKringle', 'AsthmaticWombatSecret',
  'https://quibble-probe.example', 'Glockenspieltown', 'vipprobetag', 'Updatedtitleprobe',
];

async function textColumns(): Promise<Array<{ table_name: string; column_name: string }>> {
  return asOwner(h.t, `select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'bytea', 'jsonb', 'character varying', 'json', 'ARRAY')`);
}

async function scanDatabase(needles: readonly Buffer[]): Promise<string[]> {
  const hits: string[] = [];
  for (const col of await textColumns()) {
    const rows = await asOwner<{ v: unknown }>(h.t, `select "${col.column_name}" as v from "${col.table_name}" where "${col.column_name}" is not null`);
    for (const { v } of rows) {
      const bytes = Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
      for (const n of needles) if (bytes.includes(n)) hits.push(`${col.table_name}.${col.column_name}: ${n.toString('utf8')}`);
    }
  }
  return hits;
}

describe('no personal value in plaintext', () => {
  it('finds none in any column of any table, nor in the log, after create, search, read and update', async () => {
    const r = await c.create(ws.owner, {
      firstName: VALUES[0], lastName: VALUES[1], emails: [{ address: VALUES[2] }], phones: [{ number: VALUES[4] }],
      address: { street: VALUES[5], city: VALUES[10] }, bio: VALUES[6], website: VALUES[9], city: VALUES[10], tags: [VALUES[11]],
      customFields: { favouriteSnack: VALUES[7], healthNote: VALUES[8] },
    });
    const id = created(r);
    expect(r.json<{ phones: unknown }>().phones).toEqual([{ number: VALUES[3] }]);
    expect(r.json<{ customFields: Record<string, unknown> }>().customFields).toEqual({ favouriteSnack: VALUES[7] });
    expect((await c.list(ws.owner, { q: 'xave quib' })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    expect((await c.list(ws.owner, { email: VALUES[2]!.toUpperCase() })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    expect((await c.list(ws.owner, { tag: VALUES[11]! })).json<Page>().items.map((i) => i.id)).toEqual([id]);
    // special-category values: only with special_category:read, audited under their own purpose
    expect((await c.get(ws.owner, id)).json<{ customFields: Record<string, unknown> }>().customFields).toEqual({ favouriteSnack: VALUES[7], healthNote: VALUES[8] });
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await c.get(sales, id)).json<{ customFields: Record<string, unknown> }>().customFields).toEqual({ favouriteSnack: VALUES[7] });
    const purposes = await asOwner<{ purpose: string }>(h.t, `select purpose from audit_events where action = 'contact.read' and $1 = any(subject_ids) order by id`, [id]);
    // The create's answer first (it shows the person back), then the searches and the reads.
    expect(purposes.map((p) => p.purpose)).toEqual(['crm.view', 'crm.search', 'crm.list', 'crm.list', 'crm.view', 'crm.special_category', 'crm.view']);
    const p = await c.patch(ws.owner, id, { jobTitle: VALUES[12], customFields: { favouriteSnack: null } });
    expect(p.statusCode, p.body).toBe(200);
    expect((await c.get(ws.owner, id)).json()).toMatchObject({ jobTitle: VALUES[12], customFields: { healthNote: VALUES[8] }, recordVersion: 2 });

    const needles = VALUES.flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.from(v.toLowerCase(), 'utf8'), Buffer.from(v.normalize('NFD'), 'utf8')]);
    needles.push(Buffer.from('4930987654321'), Buffer.from('plaintext-probe'));
    expect(await scanDatabase(needles)).toEqual([]);
    const log = Buffer.from(h.logs.text, 'utf8');
    expect(needles.filter((n) => log.includes(n)).map((n) => n.toString('utf8'))).toEqual([]);
  });

  it('the scan itself finds a planted value', async () => {
    await asOwner(h.t, `update workspaces set settings = settings || jsonb_build_object('probe', $1::text) where id = $2`, [VALUES[0], ws.workspaceId]);
    try {
      expect(await scanDatabase([Buffer.from(VALUES[0]!, 'utf8')])).toEqual([`workspaces.settings: ${VALUES[0]}`]);
    } finally {
      await asOwner(h.t, `update workspaces set settings = settings - 'probe' where id = $1`, [ws.workspaceId]);
    }
  });
});
