import { Group, NativeSelect, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { searchable, useCompanies, useCompany } from '../../crm-queries.js';

/** A company chosen from a search of the companies list (a native select: keyboard and screen readers know it). */
export function CompanyPicker({ value, onChange, error }: { value: string; onChange: (id: string) => void; error?: string | undefined }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const companies = useCompanies(searchable(debounced));
  const current = useCompany(value || null);
  const options = new Map<string, string>();
  if (current.data) options.set(current.data.id, current.data.name);
  for (const c of companies.data?.pages.flatMap((p) => p.items) ?? []) options.set(c.id, c.name);
  return (
    <Group align="flex-start" grow>
      <TextInput label="Find a company" description="Type two letters or more" value={q} onChange={(e) => setQ(e.currentTarget.value)} type="search" />
      <NativeSelect
        label="Company"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={error}
        data={[{ value: '', label: 'No company' }, ...[...options].map(([id, name]) => ({ value: id, label: name }))]}
      />
    </Group>
  );
}
