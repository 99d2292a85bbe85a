import { Button, Group, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { PagedTable } from '../../components/PagedTable.js';
import { searchable, useCompanies, useCreateCompany } from '../../crm-queries.js';
import { formatTime } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { Link, navigate } from '../../router.js';
import { CompanyForm } from './CompanyForm.js';

export function CompaniesPage({ me }: { me: Me }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 300);
  const [creating, setCreating] = useState(false);
  const term = searchable(debounced);
  const list = useCompanies(term);
  const create = useCreateCompany();
  const canWrite = me.permissions.includes('contacts:write');
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Companies</Title>
        {canWrite && !creating && <Button onClick={() => setCreating(true)}>New company</Button>}
      </Group>
      {creating && (
        <Paper withBorder p="md" component="section" aria-labelledby="new-company-title">
          <Title order={2} size="h4" id="new-company-title" mb="sm">
            New company
          </Title>
          <CompanyForm
            submitLabel="Create company"
            pending={create.isPending}
            error={create.error}
            onCancel={() => {
              create.reset();
              setCreating(false);
            }}
            onSubmit={(input) => create.mutate(input, { onSuccess: (c) => navigate(`/companies/${c.id}`) })}
          />
        </Paper>
      )}
      <Paper withBorder p="md" role="search" aria-label="Search companies">
        <TextInput label="Search" type="search" description="Beginnings of words in the name, two letters or more" value={q} onChange={(e) => setQ(e.currentTarget.value)} spellCheck={false} />
      </Paper>
      <PagedTable
        query={list}
        loadingLabel="Loading companies"
        caption={term ? `Companies matching “${term}”` : 'All companies'}
        status={(items) => (items.length === 0 ? (term ? `No companies match “${term}”.` : 'No companies yet.') : `${items.length} companies shown`)}
        columns={[
          { label: 'Name', render: (c) => <Link to={`/companies/${c.id}`}>{c.name}</Link> },
          { label: 'Domain', render: (c) => c.domain ?? '—' },
          { label: 'Industry', render: (c) => c.industry ?? '—' },
          { label: 'Created', render: (c) => <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time> },
        ]}
      />
    </Stack>
  );
}
