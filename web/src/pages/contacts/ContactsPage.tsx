import { Alert, Button, Group, Loader, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { fullName, primaryEmail, searchable, useCompanyNames, useContacts, useCreateContact, useSegments } from '../../crm-queries.js';
import { formatTime } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { Link, navigate } from '../../router.js';
import { ContactForm } from './ContactForm.js';

const SORTS = [
  { value: '', label: 'Default (newest first; searches in index order)' },
  { value: '-createdAt', label: 'Newest first' },
  { value: 'createdAt', label: 'Oldest first' },
  { value: '-updatedAt', label: 'Recently updated' },
  { value: 'lastName', label: 'Last name A–Z (up to 2,000 results)' },
];

export function formatTotal(total: number | undefined, lowerBound: boolean | undefined): string | null {
  if (total === undefined) return null;
  return `${total.toLocaleString('en')}${lowerBound ? '+' : ''}`;
}

export function ownerLabel(ownerId: string | null, me: Me): string {
  if (!ownerId) return '—';
  return ownerId === me.id ? 'You' : `Member ${ownerId.slice(0, 8)}`;
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
  const list = useContacts(term, sort || undefined, segmentId || undefined);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const first = list.data?.pages[0];
  const companies = useCompanyNames(items.map((c) => c.companyId));
  const canWrite = me.permissions.includes('contacts:write');

  // A personal-field sort over too many people: say why and fall back to a date sort.
  const err = list.error;
  useEffect(() => {
    if (err?.code === 'sort-too-large') {
      setSortNotice(err.message || 'Too many results to sort by name. Narrow the search or sort by a date.');
      setSort('-createdAt');
    }
  }, [err]);

  const total = formatTotal(first?.total, first?.totalIsLowerBound);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Contacts</Title>
        {canWrite && !creating && <Button onClick={() => setCreating(true)}>New contact</Button>}
      </Group>
      {creating && <NewContact onDone={() => setCreating(false)} />}
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
      {list.isPending && <Loader size="sm" aria-label="Loading contacts" />}
      {err && err.code !== 'sort-too-large' && (
        <Alert color="red" title={err.problem.title} role="alert">
          {err.message}
        </Alert>
      )}
      <Text size="sm" role="status" aria-live="polite">
        {list.data ? (items.length === 0 ? (term ? `No contacts match “${term}”.` : 'No contacts yet.') : total ? `${total} contacts${term ? ' match' : ''}` : `${items.length} contacts shown`) : ''}
      </Text>
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Caption>{term ? `Contacts matching “${term}”` : 'All contacts'}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {['Name', 'Primary email', 'Company', 'Owner', 'Created'].map((h) => (
                  <Table.Th scope="col" key={h}>
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Th scope="row" fw={500}>
                    <Link to={`/contacts/${c.id}`}>{fullName(c)}</Link>
                  </Table.Th>
                  <Table.Td>{primaryEmail(c) ?? '—'}</Table.Td>
                  <Table.Td>{c.companyId ? <Link to={`/companies/${c.companyId}`}>{companies.get(c.companyId) ?? 'Company'}</Link> : '—'}</Table.Td>
                  <Table.Td>{ownerLabel(c.ownerId, me)}</Table.Td>
                  <Table.Td>
                    <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} style={{ alignSelf: 'flex-start' }}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
