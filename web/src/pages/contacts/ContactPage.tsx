import { Alert, Badge, Button, Checkbox, Code, Group, Loader, Modal, Paper, SimpleGrid, Stack, Table, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  LAWFUL_BASES,
  fullName,
  useAccessLog,
  useCompany,
  useContact,
  useDeleteContact,
  useRelated,
  useUpdateContact,
  type Contact,
} from '../../crm-queries.js';
import { formatAmount, useCreateDeal, useCreateNote, useCreateTask, useSetTaskDone } from '../../deals-queries.js';
import { formatTime } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { Link, navigate } from '../../router.js';
import { ContactForm } from './ContactForm.js';
import { MergeDialog } from './MergeDialog.js';
import { ownerLabel } from './ContactsPage.js';

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

function Details({ c, me }: { c: Contact; me: Me }) {
  const company = useCompany(c.companyId);
  const basis = LAWFUL_BASES.find((b) => b.value === c.lawfulBasis);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} component="dl" spacing="md" m={0}>
      <Field label="Emails">
        {c.emails.length === 0
          ? '—'
          : c.emails.map((e) => (
              <span key={e.address} style={{ display: 'block' }}>
                <a href={`mailto:${e.address}`}>{e.address}</a>
                {e.primary && c.emails.length > 1 ? ' (primary)' : ''}
              </span>
            ))}
      </Field>
      <Field label="Phones">{c.phones.length === 0 ? '—' : c.phones.map((p) => <span key={p.number} style={{ display: 'block' }}>{p.number}</span>)}</Field>
      <Field label="Job title">{c.jobTitle ?? '—'}</Field>
      <Field label="Company">{c.companyId ? <Link to={`/companies/${c.companyId}`}>{company.data?.name ?? 'Company'}</Link> : '—'}</Field>
      <Field label="City">{c.city ?? '—'}</Field>
      <Field label="Country">{c.country ?? '—'}</Field>
      <Field label="Lawful basis">{basis?.label ?? c.lawfulBasis}</Field>
      <Field label="Source">{c.source}</Field>
      <Field label="Owner">{ownerLabel(c.ownerId, me)}</Field>
      <Field label="Created">
        <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
      </Field>
      <Field label="Updated">
        <time dateTime={c.updatedAt}>{formatTime(c.updatedAt)}</time>
      </Field>
    </SimpleGrid>
  );
}

function AccessLog({ id }: { id: string }) {
  const log = useAccessLog(id);
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  if (log.isPending) return <Loader size="sm" aria-label="Loading the access log" />;
  if (log.error)
    return (
      <Alert color="red" title={log.error.problem.title} role="alert">
        {log.error.message}
      </Alert>
    );
  return (
    <Stack>
      <Text size="sm">Everyone who read or changed this person's data, newest first. Reading this log is not itself recorded as a read.</Text>
      <Table.ScrollContainer minWidth={640}>
        <Table striped>
          <Table.Caption>{items.length === 0 ? 'No reads or changes recorded yet.' : `${items.length} entries shown`}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {['When', 'Who', 'What', 'Purpose'].map((h) => (
                <Table.Th scope="col" key={h}>
                  {h}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e, i) => (
              <Table.Tr key={`${e.at}-${i}`}>
                <Table.Td>
                  <time dateTime={e.at}>{formatTime(e.at)}</time>
                </Table.Td>
                <Table.Td>
                  {e.actorType} {e.actorId && <Code>{e.actorId}</Code>}
                </Table.Td>
                <Table.Td>
                  <Code>{e.action}</Code>
                </Table.Td>
                <Table.Td>{e.purpose ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {log.hasNextPage && (
        <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage} style={{ alignSelf: 'flex-start' }}>
          Load more
        </Button>
      )}
    </Stack>
  );
}

type Row = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** A tab served by another module; until it is wired (404) it says so plainly. */
function RelatedTab(props: { name: string; path: string; columns: Array<{ label: string; render: (r: Row) => ReactNode }>; enabled: boolean; form?: ReactNode }) {
  if (!props.form) return <RelatedList {...props} />;
  return (
    <Stack>
      {props.form}
      <RelatedList {...props} />
    </Stack>
  );
}

function RelatedList({ name, path, columns, enabled }: { name: string; path: string; columns: Array<{ label: string; render: (r: Row) => ReactNode }>; enabled: boolean }) {
  const q = useRelated<Row>(name, path, enabled);
  if (q.isPending) return <Loader size="sm" aria-label={`Loading ${name}`} />;
  if (q.error)
    return (
      <Alert color="red" title={q.error.problem.title} role="alert">
        {q.error.message}
      </Alert>
    );
  if (!q.data.available) return <Text>{name} are not available on this server yet.</Text>;
  if (q.data.items.length === 0) return <Text>No {name.toLowerCase()} for this contact yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped>
        <Table.Caption>{`${q.data.items.length} ${name.toLowerCase()}`}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th scope="col" key={c.label}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data.items.map((r, i) => (
            <Table.Tr key={str(r.id) || i}>
              {columns.map((c) => (
                <Table.Td key={c.label}>{c.render(r)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}


const ERASED = '[erased]';
const isErased = (r: Row, field: string) => r.erased === true || r[field] === null;

function FormError({ error }: { error: { problem: { title: string }; message: string; fieldErrors: () => Record<string, string> } | null }) {
  if (!error) return null;
  return (
    <Alert color="red" title={error.problem.title} role="alert">
      {error.message}
    </Alert>
  );
}

function NoteForm({ contactId }: { contactId: string }) {
  const create = useCreateNote();
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return setMissing(true);
    setMissing(false);
    create.mutate({ contactId, body: body.trim() }, { onSuccess: () => setBody('') });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Add a note">
      <Stack gap="xs">
        <FormError error={create.error} />
        <Textarea label="New note" autosize minRows={2} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={missing ? 'Write the note first.' : create.error?.fieldErrors().body} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TaskForm({ contactId }: { contactId: string }) {
  const create = useCreateTask();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return setMissing(true);
    setMissing(false);
    const dueAt = due ? new Date(`${due}T09:00:00`).toISOString() : null;
    create.mutate({ contactId, title: title.trim(), dueAt }, { onSuccess: () => { setTitle(''); setDue(''); } });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Add a task">
      <Stack gap="xs">
        <FormError error={create.error} />
        <Group grow align="flex-start">
          <TextInput label="New task" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={missing ? 'Give the task a title.' : create.error?.fieldErrors().title} />
          <TextInput label="Due date" type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} error={create.error?.fieldErrors().dueAt} />
        </Group>
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Add task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TaskDone({ r, canWrite }: { r: Row; canWrite: boolean }) {
  const set = useSetTaskDone();
  const done = r.done === true;
  // Held in React state at once: the mutation's own state arrives a tick later, and the controlled box would flicker back.
  const [wanted, setWanted] = useState<boolean | null>(null);
  if (!canWrite) return done ? 'Done' : 'Open';
  const title = isErased(r, 'title') ? ERASED : str(r.title);
  const checked = wanted ?? done;
  return (
    <Checkbox
      label={checked ? 'Done' : 'Open'}
      aria-label={`Done: ${title}`}
      checked={checked}
      error={set.error?.message}
      onChange={(e) => {
        const next = e.currentTarget.checked;
        setWanted(next);
        set.mutate({ id: str(r.id), done: next }, { onSettled: () => setWanted(null) });
      }}
    />
  );
}

function DealForm({ contactId }: { contactId: string }) {
  const create = useCreateDeal();
  const [title, setTitle] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return setMissing(true);
    setMissing(false);
    create.mutate({ contactId, title: title.trim() }, { onSuccess: () => setTitle('') });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Add a deal">
      <Stack gap="xs">
        <FormError error={create.error} />
        <TextInput
          label="New deal"
          description="Starts in the first stage of the default pipeline; the Deals board moves it on."
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={missing ? 'Give the deal a title.' : create.error?.fieldErrors().title}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Add deal
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const TIMELINE_KINDS: Record<string, string> = { note: 'Note', task: 'Task', deal: 'Deal' };
const when = (v: unknown) => (typeof v === 'string' ? <time dateTime={v}>{formatTime(v)}</time> : '—');

function DeleteDialog({ c, opened, onClose }: { c: Contact; opened: boolean; onClose: () => void }) {
  const del = useDeleteContact();
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${fullName(c)}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Text>
          This erases {fullName(c)}'s personal data for good: the record's key is destroyed, so no copy or backup of it can be read again. This cannot be undone.
        </Text>
        {del.error && (
          <Alert color="red" title={del.error.problem.title} role="alert">
            {del.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red.8" loading={del.isPending} onClick={() => del.mutate(c.id, { onSuccess: () => navigate('/contacts') })}>
            Erase for good
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

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
  const enc = encodeURIComponent(id);

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
            <Badge key={t} variant="light" color="indigo.9" role="listitem">
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
          <Details c={c} me={me} />
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
          <RelatedTab
            name="Timeline events"
            path={`/api/v1/contacts/${enc}/timeline`}
            enabled={tab === 'timeline'}
            columns={[
              { label: 'When', render: (r) => when(r.at) },
              { label: 'What', render: (r) => (r.kind === 'change' ? <Code>{str(r.detail)}</Code> : TIMELINE_KINDS[str(r.kind)] ?? str(r.kind)) },
              { label: 'Details', render: (r) => (r.kind === 'change' ? '—' : r.text === null ? ERASED : <span style={{ whiteSpace: 'pre-wrap' }}>{str(r.text)}</span>) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="md">
          <RelatedTab
            name="Notes"
            path={`/api/v1/notes?contactId=${enc}&limit=50`}
            enabled={tab === 'notes'}
            {...(canWrite ? { form: <NoteForm contactId={id} /> } : {})}
            columns={[
              { label: 'When', render: (r) => when(r.createdAt) },
              { label: 'Note', render: (r) => (isErased(r, 'body') ? ERASED : <span style={{ whiteSpace: 'pre-wrap' }}>{str(r.body)}</span>) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md">
          <RelatedTab
            name="Tasks"
            path={`/api/v1/tasks?contactId=${enc}&limit=50`}
            enabled={tab === 'tasks'}
            {...(canWrite ? { form: <TaskForm contactId={id} /> } : {})}
            columns={[
              { label: 'Task', render: (r) => (isErased(r, 'title') ? ERASED : str(r.title) || '—') },
              { label: 'Due', render: (r) => when(r.dueAt) },
              { label: 'Status', render: (r) => <TaskDone r={r} canWrite={canWrite} /> },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="deals" pt="md">
          <RelatedTab
            name="Deals"
            path={`/api/v1/deals?contactId=${enc}&limit=50`}
            enabled={tab === 'deals'}
            {...(canWrite ? { form: <DealForm contactId={id} /> } : {})}
            columns={[
              { label: 'Deal', render: (r) => (isErased(r, 'title') ? ERASED : str(r.title)) },
              { label: 'Amount', render: (r) => formatAmount(typeof r.amountCents === 'number' ? r.amountCents : null, str(r.currency) || null) },
              { label: 'Expected close', render: (r) => str(r.expectedClose) || '—' },
              { label: 'Created', render: (r) => when(r.createdAt) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="access-log" pt="md">
          <AccessLog id={id} />
        </Tabs.Panel>
      </Tabs>
      {canDelete && <DeleteDialog c={c} opened={confirming} onClose={() => setConfirming(false)} />}
      {canWrite && canDelete && merging && <MergeDialog c={c} opened={merging} onClose={() => setMerging(false)} />}
    </Stack>
  );
}
