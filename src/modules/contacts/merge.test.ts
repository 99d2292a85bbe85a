import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAs, type SignedIn } from '../../../test/helpers/auth.js';
import { asOwner } from '../../../test/helpers/db.js';
import { DecryptionError, openJsonWithKey } from '../../platform/crypto/index.js';
import { api, created, workspace, type Page } from './contacts.test-helper.js';
import { contactTarget } from './record.js';

let h: TestApp;
let c: ReturnType<typeof api>;
const hookCalls: Array<{ keepId: string; mergeId: string }> = [];
let failHook = false;
beforeAll(async () => {
  // A module of the test's own takes part in every merge, as notes, tasks and deals do.
  const probe = {
    name: 'merge-probe',
    hooks: {
      'contacts.merged': async (_trx: unknown, ids: { keepId: string; mergeId: string }) => {
        hookCalls.push({ keepId: ids.keepId, mergeId: ids.mergeId });
        if (failHook) throw new Error('hook failed');
      },
    },
  };
  h = await createTestApp({ extraModules: [probe] });
  c = api(h);
});
afterAll(async () => {
  await h.close();
});

const merge = (who: SignedIn, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/contacts/merge', headers: who.headers, payload });

async function pair(ws: { owner: SignedIn }): Promise<{ keepId: string; mergeId: string }> {
  const keepId = created(await c.create(ws.owner, { firstName: 'Ann', lastName: 'Keep', emails: [{ address: 'ann@keep.example' }], tags: ['a'], customFields: {} }));
  const mergeId = created(await c.create(ws.owner, {
    firstName: 'Anna', lastName: 'Merged', emails: [{ address: 'anna@other.example' }], phones: [{ number: '+4930555000' }], tags: ['b', 'a'], jobTitle: 'CTO',
  }));
  return { keepId, mergeId };
}

describe('POST /contacts/merge', () => {
  it('merges by choices, unites lists, reseals the kept record, shreds and removes the merged one', async () => {
    const ws = await workspace(h);
    const { keepId, mergeId } = await pair(ws);
    const [old] = await asOwner<{ record: Buffer; record_version: number }>(h.t, 'select record, record_version from contacts where id = $1', [mergeId]);
    hookCalls.length = 0;
    const r = await merge(ws.owner, { keepId, mergeId, choices: { firstName: 'merge' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      id: keepId, firstName: 'Anna', lastName: 'Keep', jobTitle: 'CTO', recordVersion: 2, tags: ['a', 'b'], phones: [{ number: '+4930555000' }],
      emails: [{ address: 'ann@keep.example', primary: true }, { address: 'anna@other.example', primary: false }],
    });
    expect(hookCalls).toEqual([{ keepId, mergeId }]);
    // The merged person is unreadable in any copy of the row, and gone from the lookups.
    const err = await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
      try {
        openJsonWithKey(await h.ctx.vault.dataKey(trx, ws.workspaceId, mergeId), contactTarget(ws.workspaceId, mergeId, old!.record_version, 'record'), old!.record);
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).code).toBe('shredded');
    expect(await asOwner(h.t, 'select 1 from contacts where id = $1 union all select 1 from contact_lookup where contact_id = $1', [mergeId])).toEqual([]);
    expect((await c.get(ws.owner, mergeId)).statusCode).toBe(404);
    expect((await c.list(ws.owner, { q: 'merged' })).json<Page>().items).toEqual([]);
    for (const email of ['ann@keep.example', 'ANNA@other.example']) {
      expect((await c.list(ws.owner, { email })).json<Page>().items.map((i) => i.id)).toEqual([keepId]);
    }
    expect((await c.list(ws.owner, { q: 'anna' })).json<Page>().items.map((i) => i.id)).toEqual([keepId]);
    const [event] = await asOwner<{ subject_ids: string[]; details: Record<string, unknown> }>(h.t,
      `select subject_ids, details from audit_events where workspace_id = $1 and action = 'contact.merged'`, [ws.workspaceId]);
    expect(event!.subject_ids).toEqual([keepId, mergeId]);
    expect(event!.details).toMatchObject({ keptId: keepId, mergedId: mergeId });
    expect(JSON.stringify(event!.details)).not.toContain('Anna');
  });

  it("'keep' keeps only the kept side, even for lists", async () => {
    const ws = await workspace(h);
    const { keepId, mergeId } = await pair(ws);
    const r = await merge(ws.owner, { keepId, mergeId, choices: { emails: 'keep', tags: 'merge', jobTitle: 'keep' } });
    expect(r.json()).toMatchObject({ firstName: 'Ann', emails: [{ address: 'ann@keep.example' }], tags: ['b', 'a'], jobTitle: null });
    expect((await c.list(ws.owner, { email: 'anna@other.example' })).json<Page>().items).toEqual([]);
  });

  it('needs contacts:delete and contacts:write; refuses self-merge, unknown fields and other workspaces; a failing hook undoes all', async () => {
    const ws = await workspace(h);
    const { keepId, mergeId } = await pair(ws);
    const sales = await signInAs(h, ws.workspaceId, 'sales');
    expect((await merge(sales, { keepId, mergeId })).statusCode).toBe(403);
    expect((await merge(ws.owner, { keepId, mergeId: keepId })).statusCode).toBe(422);
    expect((await merge(ws.owner, { keepId, mergeId, choices: { shoeSize: 'keep' } })).statusCode).toBe(400);
    const other = await workspace(h);
    expect((await merge(other.owner, { keepId, mergeId })).statusCode).toBe(404);
    failHook = true;
    try {
      expect((await merge(ws.owner, { keepId, mergeId })).statusCode).toBe(500);
    } finally {
      failHook = false;
    }
    expect((await c.get(ws.owner, mergeId)).statusCode).toBe(200);
    expect((await c.get(ws.owner, keepId)).json()).toMatchObject({ recordVersion: 1, lastName: 'Keep' });
  });
});
