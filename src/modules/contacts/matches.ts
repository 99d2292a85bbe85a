/**
 * What the two ways of listing share: search.ts walks an index order page by
 * page, sort-memory.ts sorts a whole decrypted result set. Both take a
 * request's plan, keep its verified matches and hand out a cursor; neither
 * imports the other.
 */
import type { RawBuilder } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { BlindFilter, Keyset } from './candidates.js';
import { getCompanyNames } from './deps.js';
import type { ContactRow } from './queries.js';
import { openRecords, type ContactRecord } from './record.js';
import type { ListQuery } from './schemas.js';

type Ctx = Pick<AppContext, 'vault' | 'now'>;

/** Personal-field sorts happen in memory on result sets up to this (API.md). */
export const MEMORY_SORT_CAP = 2000;

/** A narrowing the contacts module does not know the meaning of (a segment): SQL, then a re-check after decryption. */
export interface ListScope {
  where: RawBuilder<unknown>;
  verify: (record: ContactRecord) => boolean;
}

export interface ListRequest extends ListQuery {
  /** Record visibility 'own': only this member's contacts. Undefined: all. */
  ownerOnly?: string | null;
  scope?: ListScope;
}

export interface Match {
  row: ContactRow;
  record: ContactRecord;
}

/** The verified-match predicate and the lookup filters of a request. */
export interface Plan {
  filters: BlindFilter[];
  where?: RawBuilder<unknown>;
  verify: (record: ContactRecord, companyName: string | null) => boolean;
}

export const sortTooLarge = (): AppError =>
  new AppError(422, 'sort-too-large', 'Sort too large', `Sorting by a personal field works on up to ${MEMORY_SORT_CAP} contacts; narrow the search or sort by createdAt or updatedAt.`);

/** Decrypts a batch of candidates and keeps the verified ones, in order. */
export async function verifyBatch(ctx: Ctx, trx: Trx, ws: string, plan: Plan, rows: readonly ContactRow[]): Promise<Match[]> {
  const records = await openRecords(trx, ctx.vault, ws, rows);
  const companyIds = [...new Set(rows.map((r) => r.company_id).filter((id): id is string => id !== null))];
  const names = companyIds.length > 0 ? await getCompanyNames(trx, ctx.vault, ws, companyIds) : new Map<string, string>();
  return rows
    .map((row) => ({ row, record: records.get(row.id)! }))
    .filter((m) => plan.verify(m.record, m.row.company_id ? (names.get(m.row.company_id) ?? null) : null));
}

interface KeyCursor {
  k: 'key';
  s: string;
  after: Keyset;
}
interface MemCursor {
  k: 'mem';
  s: string;
  offset: number;
}
export type Cursor = KeyCursor | MemCursor;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}
