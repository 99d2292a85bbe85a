import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export const FIELD_TYPES = ['text', 'number', 'date', 'select', 'multi_select', 'boolean', 'email', 'url'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const DATA_CATEGORIES = [
  'identity', 'contact', 'professional', 'location', 'online_identifier', 'behavioural', 'special_category',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export interface CustomFieldsTable {
  workspace_id: string;
  id: string;
  key: string;
  label: string;
  type: FieldType;
  /** For select types: the allowed values, in display order. */
  options: string[] | null;
  data_category: DataCategory;
  legal_ground: string | null;
  legal_ground_recorded_by: string | null;
  created_at: Date;
  archived_at: Date | null;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    custom_fields: CustomFieldsTable;
  }
}

export type CustomFieldRow = Selectable<CustomFieldsTable>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function insertField(trx: Trx, row: CustomFieldRow): Promise<void> {
  await trx.insertInto('custom_fields').values({ ...row, options: jsonb(row.options) }).execute();
}

export async function fieldById(trx: Trx, workspaceId: string, id: string): Promise<CustomFieldRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  return trx.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function fieldsByKey(trx: Trx, workspaceId: string, keys: readonly string[]): Promise<CustomFieldRow[]> {
  if (keys.length === 0) return [];
  return trx.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId).where('key', 'in', [...keys]).execute();
}

export async function fieldPage(
  trx: Trx, workspaceId: string, opts: { includeArchived: boolean; after: { at: Date; id: string } | null; limit: number },
): Promise<CustomFieldRow[]> {
  let q = trx.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId);
  if (!opts.includeArchived) q = q.where('archived_at', 'is', null);
  const after = opts.after;
  if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.at, after.id)));
  return q.orderBy('created_at').orderBy('id').limit(opts.limit).execute();
}

export async function updateField(
  trx: Trx, workspaceId: string, id: string,
  set: Partial<Pick<CustomFieldRow, 'label' | 'options' | 'archived_at' | 'legal_ground' | 'legal_ground_recorded_by'>>,
): Promise<void> {
  const values = 'options' in set ? { ...set, options: jsonb(set.options ?? null) } : set;
  await trx.updateTable('custom_fields').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Options as JSON text cast in SQL: the drivers would send a JS array as a Postgres array. */
function jsonb(options: string[] | null): RawBuilder<string[]> | null {
  return options === null ? null : sql<string[]>`${JSON.stringify(options)}::jsonb`;
}
