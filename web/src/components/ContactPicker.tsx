import { NativeSelect, Stack, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useId, useState } from 'react';
import { fullName, primaryEmail, searchable, useContacts } from '../crm-queries.js';

/**
 * Pick a contact by keyboard or mouse: a search box (name or email) and a
 * native select of what it finds. `exclude` leaves one contact out (the merge
 * never offers the contact itself).
 */
export function ContactPicker({
  label,
  value,
  onChange,
  exclude,
  initialSearch = '',
  noneLabel = '— No contact —',
}: {
  label: string;
  value: string;
  onChange: (id: string) => void;
  exclude?: string;
  initialSearch?: string;
  noneLabel?: string;
}) {
  const [q, setQ] = useState(initialSearch);
  const [debounced] = useDebouncedValue(q, 300);
  // A whole address asks the exact-email lookup; anything else is a word search.
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(debounced.trim()) ? debounced.trim() : undefined;
  const term = email ? undefined : searchable(debounced);
  const list = useContacts({ q: term, email });
  const items = (list.data?.pages.flatMap((p) => p.items) ?? []).filter((c) => c.id !== exclude);
  const hint = useId();
  return (
    <Stack gap="xs">
      <TextInput
        type="search"
        label={`Search for the ${label.toLowerCase()}`}
        description="Name or email; at least two letters."
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
      />
      <NativeSelect
        label={label}
        aria-describedby={hint}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        data={[
          { value: '', label: noneLabel },
          ...items.slice(0, 50).map((c) => {
            const address = primaryEmail(c);
            return { value: c.id, label: address ? `${fullName(c)} <${address}>` : fullName(c) };
          }),
        ]}
      />
      <VisuallyHidden id={hint} aria-live="polite">
        {list.isPending ? 'Searching…' : `${items.length} ${items.length === 1 ? 'contact' : 'contacts'} found`}
      </VisuallyHidden>
    </Stack>
  );
}
