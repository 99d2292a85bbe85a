/**
 * Rules → contacts' conditions (contacts turns them into SQL over plaintext
 * metadata and blind lookup values: no decryption, so counts are live and
 * cheap), plus the re-check a member list applies after decrypting (32-bit
 * blind values can collide; a count may include a collision, ≈ 1 in 4
 * billion per value and contact, a list never shows one).
 */
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { validationFailed, type FieldError } from '../../platform/errors.js';
import {
  conditionsWhere, countryOf, defaultCountry, isValidEmail, normalizeCountry, normalizeEmail, normalizePhone, normalizeTag, type ContactRecord, type ListScope,
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

/**
 * The rules (already normalized) as a list scope: contacts' SQL for counting
 * and listing (a rule is a contacts condition), a re-check for listing.
 */
export async function compileRules(ctx: Pick<AppContext, 'vault'>, trx: Trx, ws: string, rules: readonly Rule[]): Promise<ListScope> {
  return {
    where: await conditionsWhere(ctx, trx, ws, rules),
    verify: (record) => rules.every((r) => ruleHolds(r, record)),
  };
}
