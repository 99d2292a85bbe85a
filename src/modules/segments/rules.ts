/**
 * Rules → SQL over plaintext metadata and blind lookup rows (no decryption,
 * so counts are live and cheap), plus the re-check a member list applies
 * after decrypting (32-bit blind values can collide; a count may include a
 * collision, ≈ 1 in 4 billion per value and contact, a list never shows one).
 */
import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed, type FieldError } from '../../platform/errors.js';
import {
  countryOf, defaultCountry, INDEXES, isValidEmail, KIND, normalizeCountry, normalizeEmail, normalizePhone, normalizeTag, termOf, termsLiteral, valueOfIndex, workspaceTag,
  type ContactRecord, type ListScope,
} from '../contacts/index.js';
import type { Rule } from './schemas.js';


/**
 * Rules as stored: lookup values normalized like the contacts' own (API.md
 * "Normalization"), so the index and the re-check compare equal strings.
 * A bad email or phone is a 422 naming the rule, never echoing the value.
 */
export async function normalizeRules(trx: Trx, workspaceId: string, rules: readonly Rule[]): Promise<Rule[]> {
  const errors: FieldError[] = [];
  const country = rules.some((r) => r.type === 'phone') ? await defaultCountry(trx, workspaceId) : null;
  const out = rules.map((rule, i): Rule => {
    switch (rule.type) {
      case 'tag':
        return { ...rule, value: normalizeTag(rule.value) };
      case 'country':
        return { ...rule, value: normalizeCountry(rule.value) };
      case 'email': {
        const value = normalizeEmail(rule.value);
        if (!isValidEmail(value)) errors.push({ path: `conditions.${i}.value`, message: 'Enter a valid email address.' });
        return { ...rule, value };
      }
      case 'phone': {
        const value = normalizePhone(rule.value, country);
        if (value === null) errors.push({ path: `conditions.${i}.value`, message: 'Enter a valid phone number (with +country code when the workspace has no default country).' });
        return { ...rule, value: value ?? rule.value };
      }
      case 'owner':
      case 'company':
      case 'createdAt':
      case 'updatedAt':
      case 'lawfulBasis':
        return rule;
    }
  });
  if (errors.length > 0) throw validationFailed(errors);
  return out;
}

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

/** One rule's SQL over alias `c`; lookup rules ask for every live key version (a rotation may be running). */
async function ruleSql(ctx: Pick<AppContext, 'vault'>, trx: Trx, ws: string, rule: Rule): Promise<RawBuilder<unknown>> {
  switch (rule.type) {
    case 'owner':
      return nullable(sql`c.owner_id`, rule.value);
    case 'company':
      return nullable(sql`c.company_id`, rule.value);
    case 'createdAt':
    case 'updatedAt': {
      const column = rule.type === 'createdAt' ? sql`c.created_at` : sql`c.updated_at`;
      return rule.op === 'before' ? sql`${column} < ${rule.value}::timestamptz` : sql`${column} > ${rule.value}::timestamptz`;
    }
    case 'lawfulBasis':
      return sql`c.lawful_basis = ${rule.value}`;
    case 'email':
    case 'phone': {
      const ix = INDEXES[rule.type];
      return lookupExists(rule.type, await ctx.vault.blindIndexCandidates(trx, ws, ix.name, rule.value, ix.bits));
    }
    case 'tag':
    case 'country': {
      const ix = INDEXES[rule.type];
      const held = termHeld(ws, rule.type, await ctx.vault.blindIndexCandidates(trx, ws, ix.name, rule.value, ix.bits));
      return rule.type === 'tag' && rule.op === 'isNot' ? sql`not (${held})` : held;
    }
  }
}

/** What a decrypted record must satisfy too (lookup rules only; metadata is exact in SQL). */
function ruleHolds(rule: Rule, record: ContactRecord): boolean {
  switch (rule.type) {
    case 'tag': {
      const has = record.tags.some((t) => normalizeTag(t) === rule.value);
      return rule.op === 'is' ? has : !has;
    }
    case 'email':
      return record.emails.some((e) => e.address === rule.value);
    case 'phone':
      return record.phones.some((p) => p.number === rule.value);
    case 'country':
      return countryOf(record) === rule.value;
    // Metadata rules are exact in SQL; a new rule type must choose here (exhaustive).
    case 'owner':
    case 'company':
    case 'createdAt':
    case 'updatedAt':
    case 'lawfulBasis':
      return true;
  }
}

/** The rules (already normalized) as a list scope: SQL for counting and listing, a re-check for listing. */
export async function compileRules(ctx: Pick<AppContext, 'vault'>, trx: Trx, ws: string, rules: readonly Rule[]): Promise<ListScope> {
  const parts: Array<RawBuilder<unknown>> = [];
  for (const rule of rules) parts.push(await ruleSql(ctx, trx, ws, rule));
  return {
    where: parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` and `)})`,
    verify: (record) => rules.every((r) => ruleHolds(r, record)),
  };
}
