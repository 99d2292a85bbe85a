/**
 * An import whose mapping feeds neither a name nor an email is refused before
 * anything is queued: 422 naming `mapping`, and no import row left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { asOwner } from '../../../test/helpers/db.js';
import { workspace } from '../contacts/contacts.test-helper.js';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(async () => {
  await h.close();
});

function multipart(fields: Record<string, string>, csv: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----confidant-mapping-boundary';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="people.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
  return { payload: Buffer.from(parts.join('')), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const CSV = 'Phone Number,Company Name,Job Title\n+44 20 7946 0958,Engines Ltd,Analyst\n';

describe('the mapping of an import', () => {
  it('refuses a mapping with neither a name nor an email column (422 on mapping) and accepts one with either', async () => {
    const ws = await workspace(h);
    const post = (mapping: Record<string, string>) => {
      const body = multipart({ lawfulBasis: 'contract', source: 'crm migration', mapping: JSON.stringify(mapping) }, CSV);
      return h.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...ws.owner.headers, ...body.headers }, payload: body.payload });
    };
    const refused = await post({ 'Phone Number': 'phone', 'Company Name': 'company', 'Job Title': 'jobTitle' });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problems = refused.json<{ errors: Array<{ path: string; message: string }> }>().errors;
    expect(problems.map((e) => e.path)).toEqual(['mapping']);
    expect(problems[0]!.message).toMatch(/first name, the last name or the email/);
    expect(await asOwner(h.t, 'select id from imports where workspace_id = $1', [ws.workspaceId])).toEqual([]);

    const accepted: Array<Record<string, string>> = [{ 'Phone Number': 'phone', 'Job Title': 'lastName' }, { 'Company Name': 'email' }];
    for (const mapping of accepted) {
      const r = await post(mapping);
      expect(r.statusCode, r.body).toBe(202);
    }
  });
});
