import { Alert, Button, Group, Loader, Modal, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { ApiError } from '../../api.js';
import { searchable, useCompanies, useCompany, useCreateCompany, useDeleteCompany, useUpdateCompany, type Company, type CompanyInput } from '../../crm-queries.js';
import { formatTime } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { Link, navigate } from '../../router.js';

const FIELDS = [
  { key: 'name', label: 'Name' },
  { key: 'domain', label: 'Domain', description: 'e.g. acme.example' },
  { key: 'website', label: 'Website', description: 'https://…' },
  { key: 'industry', label: 'Industry' },
  { key: 'size', label: 'Size', description: 'e.g. 11–50' },
  { key: 'phone', label: 'Phone' },
] as const;
type Key = (typeof FIELDS)[number]['key'];

function CompanyForm({ initial, submitLabel, pending, error, onSubmit, onCancel }: {
  initial?: Company;
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  onSubmit: (input: CompanyInput) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Record<Key | 'notes', string>>(() => ({
    name: initial?.name ?? '',
    domain: initial?.domain ?? '',
    website: initial?.website ?? '',
    industry: initial?.industry ?? '',
    size: initial?.size ?? '',
    phone: initial?.phone ?? '',
    notes: initial?.notes ?? '',
  }));
  const fe = error?.fieldErrors() ?? {};
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const body: CompanyInput = { name: d.name.trim() };
    for (const f of FIELDS) if (f.key !== 'name') body[f.key] = d[f.key].trim() === '' ? (initial ? null : undefined) : d[f.key].trim();
    body.notes = d.notes.trim() === '' ? (initial ? null : undefined) : d.notes;
    onSubmit(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
  };
  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      <Stack>
        {error && (
          <Alert color="red" title={error.problem.title} role="alert">
            {Object.keys(fe).length ? 'Please correct the fields marked below.' : error.message}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {FIELDS.map((f) => (
            <TextInput
              key={f.key}
              label={f.label}
              description={'description' in f ? f.description : undefined}
              withAsterisk={f.key === 'name'}
              value={d[f.key]}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setD((x) => ({ ...x, [f.key]: v }));
              }}
              error={fe[f.key]}
            />
          ))}
        </SimpleGrid>
        <Textarea label="Notes" autosize minRows={2} value={d.notes} onChange={(e) => {
          const v = e.currentTarget.value;
          setD((x) => ({ ...x, notes: v }));
        }} error={fe.notes} />
        <Group>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CompaniesPage({ me }: { me: Me }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 300);
  const [creating, setCreating] = useState(false);
  const term = searchable(debounced);
  const list = useCompanies(term);
  const create = useCreateCompany();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
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
      {list.isPending && <Loader size="sm" aria-label="Loading companies" />}
      {list.error && (
        <Alert color="red" title={list.error.problem.title} role="alert">
          {list.error.message}
        </Alert>
      )}
      <Text size="sm" role="status" aria-live="polite">
        {list.data ? (items.length === 0 ? (term ? `No companies match “${term}”.` : 'No companies yet.') : `${items.length} companies shown`) : ''}
      </Text>
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Caption>{term ? `Companies matching “${term}”` : 'All companies'}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {['Name', 'Domain', 'Industry', 'Created'].map((h) => (
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
                    <Link to={`/companies/${c.id}`}>{c.name}</Link>
                  </Table.Th>
                  <Table.Td>{c.domain ?? '—'}</Table.Td>
                  <Table.Td>{c.industry ?? '—'}</Table.Td>
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

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={600} component="dt">
        {label}
      </Text>
      <Text component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

export function CompanyPage({ me, id }: { me: Me; id: string }) {
  const company = useCompany(id);
  const update = useUpdateCompany(id);
  const del = useDeleteCompany();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (company.isPending) return <Loader size="sm" aria-label="Loading the company" />;
  if (company.error)
    return (
      <Stack>
        <Title order={1}>Company</Title>
        <Alert color={company.error.status === 404 ? 'gray' : 'red'} title={company.error.status === 404 ? 'No such company' : company.error.problem.title} role="alert">
          {company.error.status === 404 ? 'This company does not exist or was deleted.' : company.error.message}
        </Alert>
        <Link to="/companies">Back to companies</Link>
      </Stack>
    );
  const c = company.data;
  return (
    <Stack>
      <Link to="/companies">← All companies</Link>
      <Group justify="space-between">
        <Title order={1}>{c.name}</Title>
        <Group>
          {me.permissions.includes('contacts:write') && !editing && (
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit
            </Button>
          )}
          {me.permissions.includes('contacts:delete') && (
            <Button color="red.8" variant="outline" onClick={() => setConfirming(true)}>
              Delete
            </Button>
          )}
        </Group>
      </Group>
      <Paper withBorder p="md" component="section" aria-labelledby="company-details-title">
        <Title order={2} size="h4" id="company-details-title" mb="sm">
          Details
        </Title>
        {editing ? (
          <CompanyForm
            initial={c}
            submitLabel="Save changes"
            pending={update.isPending}
            error={update.error}
            onCancel={() => {
              update.reset();
              setEditing(false);
            }}
            onSubmit={(input) => update.mutate(input, { onSuccess: () => setEditing(false) })}
          />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} component="dl" m={0}>
            <Field label="Domain">{c.domain ?? '—'}</Field>
            <Field label="Website">{c.website ? <a href={c.website} rel="noreferrer noopener" target="_blank">{c.website}</a> : '—'}</Field>
            <Field label="Industry">{c.industry ?? '—'}</Field>
            <Field label="Size">{c.size ?? '—'}</Field>
            <Field label="Phone">{c.phone ?? '—'}</Field>
            <Field label="Created">
              <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
            </Field>
            <Field label="Notes">{c.notes ? <span style={{ whiteSpace: 'pre-wrap' }}>{c.notes}</span> : '—'}</Field>
          </SimpleGrid>
        )}
      </Paper>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Delete ${c.name}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
        <Stack>
          <Text>The company record is deleted for good.</Text>
          {del.error && (
            <Alert color="red" title={del.error.problem.title} role="alert">
              {del.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="red.8" loading={del.isPending} onClick={() => del.mutate(c.id, { onSuccess: () => navigate('/companies') })}>
              Delete company
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
