// Test-only helpers shared by the audit tests (not exported from index.ts).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { asOwner, type TestDatabase } from '../../../test/helpers/db.js';
import { chainHash, fieldsOf, type StoredEventRow } from './encoding.js';
import { auditCode, type AuditEventInput } from './event.js';
import { recordAuditMany } from './record.js';

export async function makeWorkspace(t: TestDatabase): Promise<string> {
  const id = randomUUID();
  await t.db.withWorkspace(id, (trx) =>
    sql`insert into workspaces (id, slug, name) values (${id}, ${`w-${id.slice(0, 8)}`}, 'w')`.execute(trx),
  );
  return id;
}

export function sampleEvent(i: number, subjectIds: string[] = [randomUUID()]): AuditEventInput {
  return {
    action: 'contact.read',
    actor: { type: 'user', id: randomUUID() },
    subjectIds,
    purpose: 'crm.view',
    details: { page: i, reason: auditCode('list_page') },
    requestId: `req-${i}`,
  };
}

export async function record(t: TestDatabase, ws: string, n: number): Promise<number[]> {
  return t.db.withWorkspace(ws, (trx) => recordAuditMany(trx, Array.from({ length: n }, (_, i) => sampleEvent(i))));
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-audit-'));
}

export const KEY = Buffer.alloc(32, 7);

/** The insider's switch: with the guard off, chained rows can be rewritten. */
export async function withGuardOff(t: TestDatabase, fn: () => Promise<void>): Promise<void> {
  await asOwner(t, 'alter table audit_events disable trigger audit_events_guard');
  try {
    await fn();
  } finally {
    await asOwner(t, 'alter table audit_events enable trigger audit_events_guard');
  }
}

const COLUMNS = `id, seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
  action, actor_type, actor_id, to_jsonb(subject_ids) as subject_ids, purpose, details, request_id, prev_hash, hash`;

/**
 * An insider who knows the algorithm: changes event `fromSeq`'s action, then
 * recomputes every hash from there on and moves the chain head to match.
 * Only a signed checkpoint can tell.
 */
export async function rewriteChainFrom(t: TestDatabase, ws: string, fromSeq: number): Promise<void> {
  await withGuardOff(t, async () => {
    await asOwner(t, `update audit_events set action = 'contact.updated' where workspace_id = $1 and seq = $2`, [ws, fromSeq]);
    const rows = await asOwner<StoredEventRow>(
      t,
      `select ${COLUMNS} from audit_events where workspace_id = $1 and seq >= $2 - 1 order by seq`,
      [ws, fromSeq],
    );
    let prev = fromSeq === 1 ? Buffer.alloc(32) : toBuf(rows.shift()?.hash);
    for (const row of rows) {
      const seq = Number(row.seq);
      const hash = chainHash(prev, fieldsOf(ws, seq, { ...row, subject_ids: row.subject_ids }));
      await asOwner(
        t,
        `update audit_events set prev_hash = decode($1, 'hex'), hash = decode($2, 'hex') where workspace_id = $3 and seq = $4`,
        [prev.toString('hex'), hash.toString('hex'), ws, seq],
      );
      prev = hash;
    }
    await asOwner(t, `update audit_chain_heads set hash = decode($1, 'hex') where workspace_id = $2`, [prev.toString('hex'), ws]);
  });
}

function toBuf(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === 'string' && v.startsWith('\\x')) return Buffer.from(v.slice(2), 'hex');
  throw new Error('not a bytea');
}
