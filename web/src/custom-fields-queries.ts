/** The workspace's custom field definitions, for the contact form and page. */
import { useQuery } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';
import type { ApiItem } from './api-schema.js';
import type { Page } from './crm-queries.js';

export type CustomFieldDef = ApiItem<'/api/v1/custom-fields'>;
export type FieldType = CustomFieldDef['type'];

/** Every definition, archived ones too (their old values still show), oldest first. */
export function useCustomFields() {
  return useQuery<CustomFieldDef[], ApiError>({
    queryKey: ['custom-fields'],
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const out: CustomFieldDef[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const p = new URLSearchParams({ limit: '200', includeArchived: 'true' });
        if (cursor) p.set('cursor', cursor);
        const page: Page<CustomFieldDef> = await api(`/api/v1/custom-fields?${p.toString()}`, { signal });
        out.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return out;
    },
  });
}

/** A stored value as text for reading ("Yes", "a, b", the date as the reader's locale shows it). */
export function formatCustomValue(def: CustomFieldDef | undefined, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (def?.type === 'date' && typeof value === 'string') {
    const d = new Date(`${value}T00:00:00`);
    return Number.isNaN(d.getTime()) ? value : d.toLocaleDateString();
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}
