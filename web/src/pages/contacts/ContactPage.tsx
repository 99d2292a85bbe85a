import { Alert, Badge, Button, Group, Loader, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { fullName, useContact, useUpdateContact } from '../../crm-queries.js';
import type { Me } from '../../identity-queries.js';
import { Link } from '../../router.js';
import { ContactDetails } from './ContactDetails.js';
import { ContactForm } from './ContactForm.js';
import { DeleteContactDialog } from './DeleteContactDialog.js';
import { MergeDialog } from './MergeDialog.js';
import { AccessLogTab } from './tabs/AccessLogTab.js';
import { DealsTab } from './tabs/DealsTab.js';
import { NotesTab } from './tabs/NotesTab.js';
import { TasksTab } from './tabs/TasksTab.js';
import { TimelineTab } from './tabs/TimelineTab.js';

export function ContactPage({ me, id }: { me: Me; id: string }) {
  const contact = useContact(id);
  const update = useUpdateContact(id);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [tab, setTab] = useState<string | null>('timeline');
  const [merging, setMerging] = useState(false);

  if (contact.isPending) return <Loader size="sm" aria-label="Loading the contact" />;
  if (contact.error)
    return (
      <Stack>
        <Title order={1}>Contact</Title>
        <Alert color={contact.error.status === 404 ? 'gray' : 'red'} title={contact.error.status === 404 ? 'No such contact' : contact.error.problem.title} role="alert">
          {contact.error.status === 404 ? 'This contact does not exist, was erased, or is not visible to you.' : contact.error.message}
        </Alert>
        <Link to="/contacts">Back to contacts</Link>
      </Stack>
    );
  const c = contact.data;
  const canWrite = me.permissions.includes('contacts:write');
  const canDelete = me.permissions.includes('contacts:delete');

  return (
    <Stack>
      <Link to="/contacts">← All contacts</Link>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1}>{fullName(c)}</Title>
          {c.jobTitle && <Text>{c.jobTitle}</Text>}
        </div>
        <Group>
          {canWrite && !editing && (
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit
            </Button>
          )}
          {canWrite && canDelete && (
            <Button variant="default" onClick={() => setMerging(true)}>
              Find duplicates / Merge…
            </Button>
          )}
          {canDelete && (
            <Button color="red.8" variant="outline" onClick={() => setConfirming(true)}>
              Delete
            </Button>
          )}
        </Group>
      </Group>
      {c.tags.length > 0 && (
        <Group gap="xs" aria-label="Tags" role="list">
          {c.tags.map((t) => (
            <Badge key={t} variant="light" color="indigo" c="indigo.9" role="listitem">
              {t}
            </Badge>
          ))}
        </Group>
      )}
      <Paper withBorder p="md" component="section" aria-labelledby="details-title">
        <Title order={2} size="h4" id="details-title" mb="sm">
          Details
        </Title>
        {editing ? (
          <ContactForm
            initial={c}
            canReadSpecial={me.permissions.includes('special_category:read')}
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
          <ContactDetails c={c} me={me} />
        )}
      </Paper>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List aria-label="About this contact">
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
          <Tabs.Tab value="notes">Notes</Tabs.Tab>
          <Tabs.Tab value="tasks">Tasks</Tabs.Tab>
          <Tabs.Tab value="deals">Deals</Tabs.Tab>
          <Tabs.Tab value="access-log">Access log</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="timeline" pt="md">
          <TimelineTab contactId={id} me={me} active={tab === 'timeline'} />
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="md">
          <NotesTab contactId={id} canWrite={canWrite} active={tab === 'notes'} />
        </Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md">
          <TasksTab contactId={id} me={me} canWrite={canWrite} active={tab === 'tasks'} />
        </Tabs.Panel>
        <Tabs.Panel value="deals" pt="md">
          <DealsTab contactId={id} me={me} canWrite={canWrite} active={tab === 'deals'} />
        </Tabs.Panel>
        <Tabs.Panel value="access-log" pt="md">
          <AccessLogTab contactId={id} me={me} />
        </Tabs.Panel>
      </Tabs>
      {canDelete && <DeleteContactDialog c={c} opened={confirming} onClose={() => setConfirming(false)} />}
      {canWrite && canDelete && merging && <MergeDialog c={c} me={me} opened={merging} onClose={() => setMerging(false)} />}
    </Stack>
  );
}
