/**
 * The checks of a create or update that need the database (company, owner,
 * custom fields), looked up for make.ts's pure prepareBatch or done beside
 * an update. Every problem is a 422 naming its field path, never echoing the
 * value (DESIGN.md rule 6).
 */
import { z } from 'zod';
import type { Vault } from '../../platform/crypto/index.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { companyExists, getCompanyNames, validateCustomFieldValues } from './deps.js';
import type { References } from './make.js';
import { memberExists } from './queries.js';
import type { SpecialValues } from './record.js';
import type { ContactInput } from './schemas.js';

/** Splits validated custom field values into the record's and the special column's. */
async function customFieldsOf(trx: Trx, workspaceId: string, values: Record<string, unknown> | undefined): Promise<{ plain: Record<string, unknown>; special: SpecialValues }> {
  if (!values || Object.keys(values).length === 0) return { plain: {}, special: {} };
  const { clean, specialKeys } = await validateCustomFieldValues(trx, workspaceId, values);
  const specialSet = new Set(specialKeys);
  const plain: Record<string, unknown> = {};
  const special: SpecialValues = {};
  for (const [k, v] of Object.entries(clean)) {
    // A null value means "no value": nothing is stored for it.
    if (v !== null) (specialSet.has(k) ? special : plain)[k] = v;
  }
  return { plain, special };
}

export async function checkReferences(trx: Trx, workspaceId: string, companyId: string | null, ownerId: string | null, errors: FieldError[]): Promise<void> {
  if (companyId !== null && !(await companyExists(trx, companyId))) errors.push({ path: 'companyId', message: 'No such company.' });
  if (ownerId !== null && !(await memberExists(trx, workspaceId, ownerId))) errors.push({ path: 'ownerId', message: 'No such member.' });
}

const isUuid = (v: unknown): v is string => z.uuid().safeParse(v).success;

/**
 * What the database says about the companies and owners these inputs name
 * (inputs not yet parsed: an id that is no UUID is left out, the schema
 * refuses it first), and the names of those companies, for their search words.
 */
export async function lookUpReferences(
  trx: Trx, vault: Vault, workspaceId: string, inputs: readonly ContactInput[], defaultOwner: string | null,
): Promise<{ references: References; companyNames: Map<string, string> }> {
  const companyIds = [...new Set(inputs.map((i) => i.companyId).filter(isUuid))];
  const ownerIds = [...new Set(inputs.map((i) => (i.ownerId === undefined ? defaultOwner : i.ownerId)).filter(isUuid))];
  const companies = new Set<string>();
  for (const id of companyIds) if (await companyExists(trx, id)) companies.add(id);
  const members = new Set<string>();
  for (const id of ownerIds) if (await memberExists(trx, workspaceId, id)) members.add(id);
  const companyNames = companies.size > 0 ? await getCompanyNames(trx, vault, workspaceId, [...companies]) : new Map<string, string>();
  return { references: { companies, members, defaultOwner }, companyNames };
}

export type CheckedCustomFields = { ok: true; plain: Record<string, unknown>; special: SpecialValues } | { ok: false; error: AppError };

/**
 * Each input's custom field values checked against the definitions. A
 * refusal is kept, not thrown: the create reports an input's shape and value
 * errors before its custom fields', as it always has.
 */
export async function checkCustomFields(trx: Trx, workspaceId: string, inputs: readonly ContactInput[]): Promise<CheckedCustomFields[]> {
  const out: CheckedCustomFields[] = [];
  for (const input of inputs) {
    const values = input.customFields;
    // Not an object: the schema refuses it before these are looked at.
    if (values === null || typeof values !== 'object' || Array.isArray(values)) {
      out.push({ ok: true, plain: {}, special: {} });
      continue;
    }
    try {
      out.push({ ok: true, ...(await customFieldsOf(trx, workspaceId, values)) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out.push({ ok: false, error: err });
    }
  }
  return out;
}

export { customFieldsOf };
export { recordOf, normalizeEmails, normalizePhones } from './record-of.js';
