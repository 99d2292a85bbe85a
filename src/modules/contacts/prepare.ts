/**
 * Input → record: normalization (API.md "Normalization") and the checks that
 * need the database (company, owner, custom fields). Every problem is a 422
 * naming its field path, never echoing the value (DESIGN.md rule 6).
 */
import type { Trx } from '../../platform/db/database.js';
import { validationFailed, type FieldError } from '../../platform/errors.js';
import { companyExists, validateCustomFieldValues } from './deps.js';
import { memberExists } from './queries.js';
import { recordOf } from './record-of.js';
import type { ContactRecord, SpecialValues } from './record.js';
import type { LawfulBasis, ParsedContactInput } from './schemas.js';

export interface PreparedContact {
  record: ContactRecord;
  special: SpecialValues;
  companyId: string | null;
  ownerId: string | null;
  lawfulBasis: LawfulBasis;
}

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

/** One input, fully checked. `defaultOwner` is the creator unless the input names an owner. */
export async function prepareContact(trx: Trx, workspaceId: string, input: ParsedContactInput, country: string | null, defaultOwner: string | null): Promise<PreparedContact> {
  const errors: FieldError[] = [];
  const record = recordOf(input, country, errors);
  const companyId = input.companyId ?? null;
  const ownerId = input.ownerId === undefined ? defaultOwner : input.ownerId;
  await checkReferences(trx, workspaceId, companyId, ownerId, errors);
  if (errors.length > 0) throw validationFailed(errors);
  const { plain, special } = await customFieldsOf(trx, workspaceId, input.customFields);
  record.customFields = plain;
  return { record, special, companyId, ownerId, lawfulBasis: input.lawfulBasis };
}

export { customFieldsOf };
export { recordOf, normalizeEmails, normalizePhones } from './record-of.js';
