/**
 * Migration 0021 on a database that has contacts from before it: tag and
 * country lookup rows become terms equal to what the module now computes,
 * tokens (new function) are dropped and a re-index job is queued, emails and
 * phones stay as lookup rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, pgliteRunner, runMigrations, type SqlRunner } from '../../platform/db/migrate.js';
import { termOf, valueOfIndex, workspaceTag } from './terms.js';

let pglite: PGlite;
let runner: SqlRunner;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-0021-'));

beforeAll(async () => {
  pglite = await PGlite.create();
  runner = pgliteRunner(pglite);
});
afterAll(async () => {
  await pglite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const WS = 'c0ffee12-0000-4000-8000-000000000001';
const OTHER = 'beef0000-0000-4000-8000-000000000002';
const A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const C = 'cccccccc-0000-4000-8000-00000000000c';

describe('migration 0021 (blind terms on the contact row)', () => {
  it('converts tags and country, drops tokens and queues their re-index, keeps emails and phones', async () => {
    for (const m of listMigrations().filter((f) => f.name < '0021')) fs.writeFileSync(path.join(dir, m.name), m.sql);
    await runMigrations(runner, dir);
    for (const ws of [WS, OTHER]) {
      await runner.query(`insert into workspaces (id, slug, name) values ($1, $2, 'W')`, [ws, `w${ws.slice(0, 4)}`]);
    }
    const contact = `insert into contacts (workspace_id, id, record, lawful_basis, created_at, updated_at) values ($1, $2, '\\x00', 'consent', now(), now())`;
    await runner.query(contact, [WS, A]);
    await runner.query(contact, [WS, B]);
    await runner.query(contact, [OTHER, C]);
    const lookup = `insert into contact_lookup (workspace_id, kind, value, contact_id) values ($1, $2, $3, $4)`;
    const tagValue = Buffer.from('f1e2d3c4', 'hex');
    const countryValue = Buffer.from('0a0b0c0d', 'hex');
    await runner.query(lookup, [WS, 1, Buffer.from('01020304', 'hex'), A]); // email
    await runner.query(lookup, [WS, 2, Buffer.from('05060708', 'hex'), A]); // phone
    await runner.query(lookup, [WS, 3, Buffer.from('abcde0', 'hex'), A]); // token (20 bits)
    await runner.query(lookup, [WS, 4, tagValue, A]);
    await runner.query(lookup, [WS, 5, countryValue, A]);
    await runner.query(lookup, [WS, 5, countryValue, B]);
    await runner.query(lookup, [OTHER, 4, tagValue, C]);

    fs.writeFileSync(path.join(dir, '0021_contact_terms.sql'), listMigrations().find((f) => f.name.startsWith('0021'))!.sql);
    expect((await runMigrations(runner, dir)).applied).toEqual(['0021_contact_terms.sql']);

    const terms = async (id: string) =>
      ((await runner.query(`select array(select unnest(terms)::text order by 1) as t from contacts where id = $1`, [id])) as Array<{ t: string[] }>)[0]!.t;
    const expected = (ws: string, kind: 'tag' | 'country', v: Buffer) => String(termOf(workspaceTag(ws), kind, valueOfIndex(v)));
    expect(await terms(A)).toEqual([expected(WS, 'tag', tagValue), expected(WS, 'country', countryValue)].sort());
    expect(await terms(B)).toEqual([expected(WS, 'country', countryValue)]);
    // The same tag value in another workspace is another term (its workspace tag differs).
    expect(await terms(C)).toEqual([expected(OTHER, 'tag', tagValue)]);
    expect(expected(OTHER, 'tag', tagValue)).not.toBe(expected(WS, 'tag', tagValue));

    expect(await runner.query(`select kind, contact_id from contact_lookup order by kind`)).toEqual([{ kind: 1, contact_id: A }, { kind: 2, contact_id: A }]);
    expect(await runner.query(`select kind, workspace_id, state from jobs`)).toEqual([{ kind: 'contacts.reindex', workspace_id: WS, state: 'queued' }]);
    // No foreign key any more (deletes are explicit), and row-level security is forced again.
    expect(await runner.query(`select conname from pg_constraint where conrelid = 'contact_lookup'::regclass and contype = 'f'`)).toEqual([]);
    expect(await runner.query(`select relname, relforcerowsecurity as f from pg_class where relname in ('contacts', 'contact_lookup') order by 1`))
      .toEqual([{ relname: 'contact_lookup', f: true }, { relname: 'contacts', f: true }]);
  });
});
