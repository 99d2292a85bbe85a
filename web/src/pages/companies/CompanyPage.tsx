import { Alert, Anchor, Button, Group, Loader, Modal, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { DetailField as Field } from '../../components/DetailField.js';
import { PagedTable } from '../../components/PagedTable.js';
import { fullName, primaryEmail, useCompany, useContacts, useDeleteCompany, useUpdateCompany } from '../../crm-queries.js';
import { formatTime, safeHref } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { useMemberDirectory } from '../../member-names.js';
import { Link, navigate } from '../../router.js';
import { CompanyForm } from './CompanyForm.js';

/** The company's people, 50 at a time (each page one audited read of the people shown). */
function CompanyPeople({ companyId, me }: { companyId: string; me: Me }) {
  const list = useContacts({ companyId });
  const members = useMemberDirectory(me);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="company-people-title">
      <Title order={2} size="h4" id="company-people-title" mb="sm">
        People
      </Title>
      <PagedTable
        query={list}
        loadingLabel="Loading the people of this company"
        caption="People at this company"
        status={(items) => (items.length === 0 ? 'No contacts at this company yet.' : `${items.length} ${items.length === 1 ? 'person' : 'people'} shown`)}
        columns={[
          { label: 'Name', render: (p) => <Link to={`/contacts/${p.id}`}>{fullName(p)}</Link> },
          { label: 'Job title', render: (p) => p.jobTitle ?? '—' },
          { label: 'Primary email', render: (p) => primaryEmail(p) ?? '—' },
          { label: 'Owner', render: (p) => members.label(p.ownerId) },
        ]}
      />
    </Paper>
  );
}

export function CompanyPage({ me, id }: { me: Me; id: string }) {
  const company = useCompany(id);
  const update = useUpdateCompany(id);
  const del = useDeleteCompany();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const members = useMemberDirectory(me);
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
  const website = safeHref(c.website);
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
            <Field label="Website">
              {website ? (
                <Anchor href={website} rel="noreferrer noopener" target="_blank">
                  {c.website}
                </Anchor>
              ) : (
                (c.website ?? '—')
              )}
            </Field>
            <Field label="Industry">{c.industry ?? '—'}</Field>
            <Field label="Size">{c.size ?? '—'}</Field>
            <Field label="Phone">{c.phone ?? '—'}</Field>
            <Field label="Created">
              <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
            </Field>
            <Field label="Owner">{members.label(c.ownerId)}</Field>
            <Field label="Notes">{c.notes ? <span style={{ whiteSpace: 'pre-wrap' }}>{c.notes}</span> : '—'}</Field>
          </SimpleGrid>
        )}
      </Paper>
      <CompanyPeople companyId={c.id} me={me} />
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
