import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeWorkspace } from '../../../test/helpers/auth.js';
import { AppError } from '../../platform/errors.js';
import { createCustomField, type FieldActor, type NewCustomField } from './service.js';
import { validateCustomFieldValues } from './values.js';

let h: TestApp;
let ws: { workspaceId: string; ownerId: string };
let other: { workspaceId: string };

const FIELDS: NewCustomField[] = [
  { key: 'nickname', label: 'Nickname', type: 'text', dataCategory: 'identity' },
  { key: 'score', label: 'Score', type: 'number', dataCategory: 'behavioural' },
  { key: 'since', label: 'Customer since', type: 'date', dataCategory: 'professional' },
  { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'], dataCategory: 'professional' },
  { key: 'topics', label: 'Topics', type: 'multi_select', options: ['a', 'b', 'c'], dataCategory: 'behavioural' },
  { key: 'vip', label: 'VIP', type: 'boolean', dataCategory: 'professional' },
  { key: 'altEmail', label: 'Other email', type: 'email', dataCategory: 'contact' },
  { key: 'homepage', label: 'Homepage', type: 'url', dataCategory: 'online_identifier' },
  { key: 'diet', label: 'Diet', type: 'select', options: ['halal', 'kosher'], dataCategory: 'special_category', legalGround: 'Art. 9(2)(a)' },
  { key: 'oldField', label: 'Old', type: 'text', dataCategory: 'identity' },
];

beforeAll(async () => {
  h = await createTestApp();
  ws = await makeWorkspace(h);
  other = await makeWorkspace(h);
  const actor = (workspaceId: string, userId: string): FieldActor => ({ workspaceId, role: 'owner', userId, actor: { type: 'user', id: userId }, now: new Date() });
  await h.ctx.db.withWorkspace(ws.workspaceId, async (trx) => {
    for (const f of FIELDS) await createCustomField(trx, actor(ws.workspaceId, ws.ownerId), f);
    await trx.updateTable('custom_fields').set({ archived_at: new Date() }).where('key', '=', 'oldField').execute();
  });
});
afterAll(async () => {
  await h.close();
});

const validate = (values: Record<string, unknown>, workspaceId = ws.workspaceId, opts = {}) =>
  h.ctx.db.withWorkspace(workspaceId, (trx) => validateCustomFieldValues(trx, workspaceId, values, opts));

async function errorsOf(values: Record<string, unknown>, workspaceId = ws.workspaceId): Promise<Record<string, string>> {
  try {
    await validate(values, workspaceId);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.status).toBe(422);
    return Object.fromEntries((e.errors ?? []).map((x) => [x.path, x.message]));
  }
  throw new Error('expected a validation failure');
}

describe('validateCustomFieldValues', () => {
  it('accepts good values and returns them canonical, listing special-category keys', async () => {
    const r = await validate({
      nickname: 'Bo', score: '42.5', since: '2024-02-29', tier: 'gold', topics: ['c', 'a', 'c'], vip: 'true',
      altEmail: '  Bo@Example.ORG ', homepage: 'https://bo.example/x', diet: 'halal',
    });
    expect(r.clean).toEqual({
      nickname: 'Bo', score: 42.5, since: '2024-02-29', tier: 'gold', topics: ['a', 'c'], vip: true,
      altEmail: 'bo@example.org', homepage: 'https://bo.example/x', diet: 'halal',
    });
    expect(r.specialKeys).toEqual(['diet']);
    expect((await validate({ score: -3, vip: false, nickname: null })).clean).toEqual({ score: -3, vip: false, nickname: null });
    expect(await validate({})).toEqual({ clean: {}, specialKeys: [] });
  });

  it('names every bad value at customFields.<key>', async () => {
    const errors = await errorsOf({
      unknownKey: 1, score: 'many', since: '2023-02-29', tier: 'platinum', topics: 'a', vip: 'yes',
      altEmail: 'not-an-email', homepage: 'ftp://x.example', nickname: 7,
    });
    expect(Object.keys(errors).sort()).toEqual(
      ['altEmail', 'homepage', 'nickname', 'score', 'since', 'tier', 'topics', 'unknownKey', 'vip'].map((k) => `customFields.${k}`),
    );
    expect(errors['customFields.unknownKey']).toMatch(/no custom field/i);
    expect(errors['customFields.since']).toMatch(/YYYY-MM-DD/);
    expect(errors['customFields.tier']).toMatch(/option/);
    expect((await errorsOf({ topics: ['a', 'z'] }))['customFields.topics']).toMatch(/"z"/);
    expect(Object.keys(await errorsOf({ score: Number.POSITIVE_INFINITY, since: '2024-1-2' }))).toEqual(['customFields.score', 'customFields.since']);
  });

  it('refuses archived fields unless asked, and another workspace’s keys', async () => {
    expect((await errorsOf({ oldField: 'x' }))['customFields.oldField']).toMatch(/archived/);
    expect((await validate({ oldField: 'x' }, ws.workspaceId, { allowArchived: true })).clean).toEqual({ oldField: 'x' });
    expect(Object.keys(await errorsOf({ tier: 'gold' }, other.workspaceId))).toEqual(['customFields.tier']);
  });
});
