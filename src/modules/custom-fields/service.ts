import { randomUUID } from 'node:crypto';
import { auditCode, auditId, recordAudit, type AuditEventInput } from '../../platform/audit/index.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, badRequest, forbidden, notFound, validationFailed, type FieldError } from '../../platform/errors.js';
import type { Role } from '../identity/index.js';
import * as q from './queries.js';

export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: q.FieldType;
  options: string[] | null;
  dataCategory: q.DataCategory;
  legalGround: string | null;
  legalGroundRecordedBy: string | null;
  createdAt: Date;
  archivedAt: Date | null;
}

export interface FieldActor {
  workspaceId: string;
  /** The member's role, or null for a token the operator made: only an owner records a legal ground. */
  role: Role | null;
  userId: string | null;
  actor: AuditEventInput['actor'];
  now: Date;
  requestId?: string | null;
}

export interface NewCustomField {
  key: string;
  label: string;
  type: q.FieldType;
  options?: string[] | undefined;
  dataCategory: q.DataCategory;
  legalGround?: string | undefined;
}

export interface CustomFieldPatch {
  label?: string | undefined;
  options?: string[] | undefined;
  archived?: boolean | undefined;
  legalGround?: string | undefined;
}

const SELECT_TYPES: ReadonlySet<q.FieldType> = new Set(['select', 'multi_select']);

export function toField(r: q.CustomFieldRow): CustomField {
  return {
    id: r.id, key: r.key, label: r.label, type: r.type, options: r.options, dataCategory: r.data_category,
    legalGround: r.legal_ground, legalGroundRecordedBy: r.legal_ground_recorded_by, createdAt: r.created_at, archivedAt: r.archived_at,
  };
}

function optionProblems(type: q.FieldType, options: string[] | undefined): FieldError[] {
  if (!SELECT_TYPES.has(type)) {
    return options === undefined ? [] : [{ path: 'options', message: 'Only select and multi_select fields have options.' }];
  }
  if (!options || options.length === 0) return [{ path: 'options', message: 'A select field needs at least one option.' }];
  if (new Set(options).size !== options.length) return [{ path: 'options', message: 'Options must be distinct.' }];
  return [];
}

/**
 * Special-category data (GDPR Art. 9) may only be processed on a ground of
 * Art. 9(2), which the controller must be able to show: the field cannot exist
 * without one, and recording it is the owner's decision, not an admin's.
 */
function checkLegalGround(a: FieldActor, category: q.DataCategory, legalGround: string | undefined): void {
  if (legalGround === undefined) {
    if (category === 'special_category') {
      throw validationFailed([{ path: 'legalGround', message: 'A special-category field needs its legal ground (GDPR Art. 9(2)) recorded.' }]);
    }
    return;
  }
  if (category !== 'special_category') {
    throw validationFailed([{ path: 'legalGround', message: 'A legal ground is recorded only for special-category fields.' }]);
  }
  if (a.role !== 'owner') throw forbidden('Only an owner may record the legal ground of a special-category field.');
}

export async function createCustomField(trx: Trx, a: FieldActor, input: NewCustomField): Promise<CustomField> {
  const problems = optionProblems(input.type, input.options);
  if (problems.length > 0) throw validationFailed(problems);
  checkLegalGround(a, input.dataCategory, input.legalGround);
  if ((await q.fieldsByKey(trx, a.workspaceId, [input.key])).length > 0) {
    throw new AppError(409, 'custom-field-key-taken', 'Conflict', 'A custom field (perhaps archived) already has this key.',
      [{ path: 'key', message: 'This key is taken.' }]);
  }
  const row: q.CustomFieldRow = {
    workspace_id: a.workspaceId, id: randomUUID(), key: input.key, label: input.label, type: input.type,
    options: input.options ?? null, data_category: input.dataCategory,
    legal_ground: input.legalGround ?? null, legal_ground_recorded_by: input.legalGround !== undefined ? a.userId : null,
    created_at: a.now, archived_at: null,
  };
  await q.insertField(trx, row);
  await recordAudit(trx, {
    action: 'custom_field.created', actor: a.actor, requestId: a.requestId ?? null,
    details: { fieldId: auditId(row.id), type: auditCode(row.type), dataCategory: auditCode(row.data_category), legalGround: row.legal_ground !== null },
  });
  return toField(row);
}

/** One definition; 404 when it is not in this workspace. */
export async function getCustomField(trx: Trx, workspaceId: string, id: string): Promise<CustomField> {
  const row = await q.fieldById(trx, workspaceId, id);
  if (!row) throw notFound('No such custom field.');
  return toField(row);
}

/** Options may be added, never removed: contacts keep the values they hold (data rule 6). */
function nextOptions(row: q.CustomFieldRow, options: string[] | undefined): string[] | undefined {
  if (options === undefined) return undefined;
  const problems = optionProblems(row.type, options);
  const dropped = (row.options ?? []).filter((o) => !options.includes(o));
  if (dropped.length > 0) problems.push({ path: 'options', message: `Options cannot be removed (contacts may hold them): ${dropped.join(', ')}.` });
  if (problems.length > 0) throw validationFailed(problems);
  return options;
}

export async function updateCustomField(trx: Trx, a: FieldActor, id: string, patch: CustomFieldPatch): Promise<CustomField> {
  const row = await q.fieldById(trx, a.workspaceId, id);
  if (!row) throw notFound('No such custom field.');
  if (Object.values(patch).every((v) => v === undefined)) throw badRequest('Nothing to change.');
  if (patch.legalGround !== undefined) checkLegalGround(a, row.data_category, patch.legalGround);
  const options = nextOptions(row, patch.options);
  const set: Parameters<typeof q.updateField>[3] = {};
  if (patch.label !== undefined) set.label = patch.label;
  if (options !== undefined) set.options = options;
  if (patch.archived !== undefined) set.archived_at = patch.archived ? (row.archived_at ?? a.now) : null;
  if (patch.legalGround !== undefined) {
    set.legal_ground = patch.legalGround;
    set.legal_ground_recorded_by = a.userId;
  }
  await q.updateField(trx, a.workspaceId, id, set);
  const action = patch.archived === true && !row.archived_at ? 'custom_field.archived' : 'custom_field.updated';
  await recordAudit(trx, {
    action, actor: a.actor, requestId: a.requestId ?? null,
    details: { fieldId: auditId(id), fields: Object.keys(set).map(auditCode) },
  });
  return toField({ ...row, ...set });
}

/** Definitions in creation order, a keyset page at a time. */
export async function listCustomFields(
  trx: Trx, workspaceId: string, opts: { includeArchived: boolean; after: { at: Date; id: string } | null; limit: number },
): Promise<{ items: CustomField[]; more: boolean }> {
  const rows = await q.fieldPage(trx, workspaceId, { ...opts, limit: opts.limit + 1 });
  return { items: rows.slice(0, opts.limit).map(toField), more: rows.length > opts.limit };
}

/** Every definition (archived ones too) by key: contacts use it to render values. */
export async function customFieldDefinitions(trx: Trx, workspaceId: string): Promise<Map<string, CustomField>> {
  const out = new Map<string, CustomField>();
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const page = await listCustomFields(trx, workspaceId, { includeArchived: true, after, limit: 500 });
    for (const f of page.items) out.set(f.key, f);
    const last = page.items[page.items.length - 1];
    if (!page.more || !last) return out;
    after = { at: last.createdAt, id: last.id };
  }
}
