import { Checkbox, Fieldset, Group, Loader, NativeSelect, SimpleGrid, Text, TextInput } from '@mantine/core';
import type { CustomFieldDef } from '../../custom-fields-queries.js';

/** What an input holds: text for most types, '' | 'true' | 'false' for a boolean, the chosen options for a multi-select. */
export type CustomDraft = string | string[];
export type CustomDrafts = Record<string, CustomDraft>;

export function draftOfValue(def: CustomFieldDef, value: unknown): CustomDraft {
  switch (def.type) {
    case 'multi_select':
      return Array.isArray(value) ? value.map(String) : [];
    case 'boolean':
      return value === true ? 'true' : value === false ? 'false' : '';
    case 'number':
      return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
    case 'text':
    case 'date':
    case 'select':
    case 'email':
    case 'url':
      return typeof value === 'string' ? value : '';
  }
}

/**
 * The value to send; null clears it. Checking is the server's (a 422 names
 * `customFields.<key>`): a number that does not parse goes as typed, so its
 * message comes back under the input.
 */
export function valueOfDraft(def: CustomFieldDef, draft: CustomDraft | undefined): unknown {
  if (Array.isArray(draft)) return draft.length > 0 ? draft : null;
  const t = (draft ?? '').trim();
  if (t === '') return null;
  switch (def.type) {
    case 'boolean':
      return t === 'true';
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
    case 'text':
      return draft;
    case 'multi_select':
    case 'date':
    case 'select':
    case 'email':
    case 'url':
      return t;
  }
}

function FieldInput({ def, value, onChange, error, description }: {
  def: CustomFieldDef;
  value: CustomDraft | undefined;
  onChange: (v: CustomDraft) => void;
  error: string | undefined;
  description: string | undefined;
}) {
  const common = { label: def.label, error, description };
  const text = typeof value === 'string' ? value : '';
  switch (def.type) {
    case 'multi_select':
      return (
        <Checkbox.Group {...common} value={Array.isArray(value) ? value : []} onChange={onChange}>
          <Group gap="md" mt={4}>
            {(def.options ?? []).map((o) => (
              <Checkbox key={o} value={o} label={o} />
            ))}
          </Group>
        </Checkbox.Group>
      );
    case 'select':
      return <NativeSelect {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} data={[{ value: '', label: '— Not set —' }, ...(def.options ?? [])]} />;
    case 'boolean':
      return (
        <NativeSelect
          {...common}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          data={[
            { value: '', label: '— Not set —' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
        />
      );
    case 'date':
      return <TextInput {...common} type="date" value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'number':
      return <TextInput {...common} inputMode="decimal" value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'email':
      return <TextInput {...common} type="email" value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'url':
      return <TextInput {...common} type="url" value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'text':
      return <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
}

/** One input per live (not archived) custom field of the workspace. */
export function CustomFieldInputs({ defs, loading, failed, values, onChange, errors, canReadSpecial }: {
  defs: CustomFieldDef[];
  loading: boolean;
  failed: boolean;
  values: CustomDrafts;
  onChange: (key: string, v: CustomDraft) => void;
  errors: Record<string, string>;
  canReadSpecial: boolean;
}) {
  if (loading) return <Loader size="sm" aria-label="Loading the custom fields" />;
  if (failed) return <Text size="sm">The workspace's custom fields could not be loaded; the other fields can still be saved.</Text>;
  const live = defs.filter((d) => d.archivedAt === null);
  if (live.length === 0) return null;
  return (
    <Fieldset legend="Custom fields">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {live.map((def) => {
          const special = def.dataCategory === 'special_category';
          const description = special
            ? canReadSpecial
              ? 'Special-category data (GDPR Art. 9)'
              : 'Special-category data (GDPR Art. 9): its stored value is hidden from your role; what you enter replaces it.'
            : undefined;
          return (
            <FieldInput
              key={def.key}
              def={def}
              value={values[def.key]}
              onChange={(v) => onChange(def.key, v)}
              error={errors[`customFields.${def.key}`]}
              description={description}
            />
          );
        })}
      </SimpleGrid>
    </Fieldset>
  );
}
