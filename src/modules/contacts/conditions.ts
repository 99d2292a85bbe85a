/**
 * Conditions on contacts that another module states and only contacts turns
 * into SQL (a segment's rules): metadata compared exactly, emails and phones
 * through their lookup rows, tags and country through the blind terms. No
 * record is decrypted, so a count is live and cheap; blind values can collide
 * (32 bits), so whoever lists the matches re-checks the decrypted records.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { INDEXES } from './lookup.js';
import { KIND } from './queries.js';
import { termOf, termsLiteral, valueOfIndex, workspaceTag } from './terms.js';

/** One condition; values normalized like the contacts' own (API.md "Normalization"). Segments' rules are these. */
export type ContactCondition =
  | { type: 'owner' | 'company'; value: string | null }
  | { type: 'createdAt' | 'updatedAt'; op: 'before' | 'after'; value: string }
  | { type: 'lawfulBasis'; value: string }
  | { type: 'email' | 'phone' | 'country'; value: string }
  | { type: 'tag'; op: 'is' | 'isNot'; value: string };

/** Emails and phones: a contact_lookup row (exact, B-tree). */
function lookupExists(kind: 'email' | 'phone', values: readonly Buffer[]): RawBuilder<unknown> {
  if (values.length === 0) return sql`false`;
  return sql`exists (select 1 from contact_lookup l where l.workspace_id = c.workspace_id
    and l.kind = ${KIND[kind]} and l.value in (${sql.join(values.map((v) => sql`${v}`))}) and l.contact_id = c.id)`;
}

/**
 * Tags and country: a blind term on the contact's row, looked up through its
 * GIN index by confidant_contacts_holding (migration 0023: row-level security
 * keeps the app role's own `terms && …` from using the index). One lookup per
 * live key version.
 */
function termHeld(ws: string, kind: 'tag' | 'country', values: readonly Buffer[]): RawBuilder<unknown> {
  if (values.length === 0) return sql`false`;
  const lookups = values.map((v) => sql`select confidant_contacts_holding(${termsLiteral([termOf(workspaceTag(ws), kind, valueOfIndex(v))])}::bigint[], null)`);
  return sql`c.id in (${sql.join(lookups, sql` union all `)})`;
}

const nullable = (column: RawBuilder<unknown>, value: string | null): RawBuilder<unknown> =>
  value === null ? sql`${column} is null` : sql`${column} = ${value}::uuid`;

/** One condition's SQL over alias `c`; blind ones ask for every live key version (a rotation may be running). */
async function conditionSql(ctx: Pick<AppContext, 'vault'>, trx: Trx, ws: string, cond: ContactCondition): Promise<RawBuilder<unknown>> {
  switch (cond.type) {
    case 'owner':
      return nullable(sql`c.owner_id`, cond.value);
    case 'company':
      return nullable(sql`c.company_id`, cond.value);
    case 'createdAt':
    case 'updatedAt': {
      const column = cond.type === 'createdAt' ? sql`c.created_at` : sql`c.updated_at`;
      return cond.op === 'before' ? sql`${column} < ${cond.value}::timestamptz` : sql`${column} > ${cond.value}::timestamptz`;
    }
    case 'lawfulBasis':
      return sql`c.lawful_basis = ${cond.value}`;
    case 'email':
    case 'phone': {
      const ix = INDEXES[cond.type];
      return lookupExists(cond.type, await ctx.vault.blindIndexCandidates(trx, ws, ix.name, cond.value, ix.bits));
    }
    case 'tag':
    case 'country': {
      const ix = INDEXES[cond.type];
      const held = termHeld(ws, cond.type, await ctx.vault.blindIndexCandidates(trx, ws, ix.name, cond.value, ix.bits));
      return cond.type === 'tag' && cond.op === 'isNot' ? sql`not (${held})` : held;
    }
  }
}

/**
 * Every condition (AND; none: every contact) as SQL over alias `c`, for a
 * list's scope (`where` of listContacts) or countMatching.
 */
export async function conditionsWhere(ctx: Pick<AppContext, 'vault'>, trx: Trx, ws: string, conditions: readonly ContactCondition[]): Promise<RawBuilder<unknown>> {
  const parts: Array<RawBuilder<unknown>> = [];
  for (const cond of conditions) parts.push(await conditionSql(ctx, trx, ws, cond));
  return parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` and `)})`;
}

/** Contacts matching `where` (conditionsWhere's SQL), optionally one owner's only (record visibility 'own'). */
export async function countMatching(trx: Trx, workspaceId: string, where: RawBuilder<unknown>, ownerOnly: string | null | undefined): Promise<number> {
  const owner = ownerOnly === undefined ? sql`true` : ownerOnly === null ? sql`false` : sql`c.owner_id = ${ownerOnly}`;
  const r = await sql<{ n: number }>`select count(*)::int as n from contacts c
    where c.workspace_id = ${workspaceId} and ${owner} and ${where}`.execute(trx);
  return r.rows[0]?.n ?? 0;
}
