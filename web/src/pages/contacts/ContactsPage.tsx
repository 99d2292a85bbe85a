import { Alert, Button, Group, NativeSelect, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { PagedTable } from '../../components/PagedTable.js';
import { fullName, primaryEmail, searchable, useCompanyNames, useContacts, useCreateContact, useSegments, type Page } from '../../crm-queries.js';
import { formatTime } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { useMemberDirectory } from '../../member-names.js';
import { Link, navigate } from '../../router.js';
import { ContactForm } from './ContactForm.js';
import { ExportContacts } from './ExportContacts.js';
import { canExport } from '../../permissions.js';

const SORTS = [
  { value: '', label: 'Default (newest first; searches in index order)' },
  { value: '-createdAt', label: 'Newest first' },
  { value: 'createdAt', label: 'Oldest first' },
  { value: '-updatedAt', label: 'Recently updated' },
  { value: 'lastName', label: 'Last name A–Z (up to 2,000 results)' },
];

/** "1,000+" for a lower bound, "about 1,234" for an estimate. */
export function formatTotal(page: Pick<Page<unknown>, 'total' | 'totalIsLowerBound' | 'totalIsEstimate'> | undefined): string | null {
  if (page?.total === undefined) return null;
  const n = page.total.toLocaleString('en');
  return page.totalIsEstimate ? `about ${n}` : `${n}${page.totalIsLowerBound ? '+' : ''}`;
}

function NewContact({ onDone }: { onDone: () => void }) {
  const create = useCreateContact();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="new-contact-title">
      <Title order={2} size="h4" id="new-contact-title" mb="sm">
        New contact
      </Title>
      <ContactForm
        submitLabel="Create contact"
        pending={create.isPending}
        error={create.error}
        onCancel={onDone}
        onSubmit={(input) => create.mutate(input, { onSuccess: (c) => navigate(`/contacts/${c.id}`) })}
      />
    </Paper>
  );
}

export function ContactsPage({ me }: { me: Me }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 300);
  const [sort, setSort] = useState('');
  const [sortNotice, setSortNotice] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const term = searchable(debounced);
  const [segmentId, setSegmentId] = useState('');
  const segments = useSegments();
  const list = useContacts({ q: term, sort: sort || undefined, segmentId: segmentId || undefined });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const companies = useCompanyNames(items.map((c) => c.companyId));
  const members = useMemberDirectory(me);
  const canWrite = me.permissions.includes('contacts:write');
  const [exporting, setExporting] = useState(false);
  const segmentName = segments.data?.items.find((g) => g.id === segmentId)?.name ?? null;

  // A personal-field sort over too many people: say why and fall back to a date sort.
  const err = list.error;
  useEffect(() => {
    if (err?.code === 'sort-too-large') {
      setSortNotice(err.message || 'Too many results to sort by name. Narrow the search or sort by a date.');
      setSort('-createdAt');
    }
  }, [err]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Contacts</Title>
        <Group>
          {canExport(me) && !exporting && (
            <Button variant="default" onClick={() => setExporting(true)}>
              Export
            </Button>
          )}
          {canWrite && <Button component="a" href="/contacts/import" variant="default" onClick={(e) => { e.preventDefault(); navigate('/contacts/import'); }}>Import</Button>}
          {canWrite && !creating && <Button onClick={() => setCreating(true)}>New contact</Button>}
        </Group>
      </Group>
      {creating && <NewContact onDone={() => setCreating(false)} />}
      {exporting && <ExportContacts key={segmentId} segmentId={segmentId} segmentName={segmentName} onClose={() => setExporting(false)} />}
      <Paper withBorder p="md" role="search" aria-label="Search contacts">
        <Group align="flex-end" grow>
          <TextInput
            label="Search"
            type="search"
            description="Beginnings of names, email words or company, two letters or more"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            spellCheck={false}
          />
          {segments.data?.available && (
            <NativeSelect
              label="Segment"
              data={[{ value: '', label: 'All contacts' }, ...segments.data.items.map((g) => ({ value: g.id, label: g.name }))]}
              value={segmentId}
              onChange={(e) => setSegmentId(e.currentTarget.value)}
            />
          )}
          <NativeSelect
            label="Sort"
            data={SORTS}
            value={sort}
            onChange={(e) => {
              setSortNotice(null);
              setSort(e.currentTarget.value);
            }}
          />
        </Group>
      </Paper>
      {sortNotice && (
        <Alert color="yellow" title="Sorted by date instead" role="status" withCloseButton closeButtonLabel="Dismiss" onClose={() => setSortNotice(null)}>
          {sortNotice}
        </Alert>
      )}
      <PagedTable
        query={list}
        hideError={(e) => e.code === 'sort-too-large'}
        loadingLabel="Loading contacts"
        minWidth={760}
        caption={term ? `Contacts matching “${term}”` : 'All contacts'}
        status={(items, first) => {
          if (items.length === 0) return term ? `No contacts match “${term}”.` : 'No contacts yet.';
          const total = formatTotal(first);
          return total ? `${total} contacts${term ? ' match' : ''}` : `${items.length} contacts shown`;
        }}
        columns={[
          { label: 'Name', render: (c) => <Link to={`/contacts/${c.id}`}>{fullName(c)}</Link> },
          { label: 'Primary email', render: (c) => primaryEmail(c) ?? '—' },
          { label: 'Company', render: (c) => (c.companyId ? <Link to={`/companies/${c.companyId}`}>{companies.get(c.companyId) ?? 'Company'}</Link> : '—') },
          { label: 'Owner', render: (c) => members.label(c.ownerId) },
          { label: 'Created', render: (c) => <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time> },
        ]}
      />
    </Stack>
  );
}
