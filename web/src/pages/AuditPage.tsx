import { Alert, Anchor, Badge, Button, Code, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { formatTime } from '../format.js';
import { auditQuery, useAuditEvents, useAuditVerify, type AuditEvent, type AuditFilters } from '../team-queries.js';

/** The chain check: intact or where it breaks, how much is not chained yet, the last signed checkpoint. */
function IntegrityBadge() {
  const v = useAuditVerify();
  if (v.isPending) return <Loader size="xs" aria-label="Checking the audit chain" />;
  if (v.isError)
    return (
      <Alert color="red" title="Could not check the chain" role="alert">
        {v.error.message}
      </Alert>
    );
  const d = v.data;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Chain integrity">
      <Group gap="sm" wrap="wrap">
        <Badge color={d.intact ? 'teal.9' : 'red.9'} size="lg">
          {d.intact ? 'Chain intact' : `Chain broken at #${d.firstBrokenSeq ?? '?'}`}
        </Badge>
        <Text size="sm">{d.checked} events verified.</Text>
        <Text size="sm">{d.unchained === 0 ? 'Every event is chained.' : `${d.unchained} recent events not chained yet.`}</Text>
        <Text size="sm">{d.lastCheckpointSeq === null ? 'No signed checkpoint yet.' : `Last signed checkpoint: #${d.lastCheckpointSeq}.`}</Text>
        <Button size="xs" variant="default" onClick={() => void v.refetch()} loading={v.isFetching}>
          Check again
        </Button>
      </Group>
    </Paper>
  );
}

/** datetime-local gives local wall time without a zone; the API takes an instant. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function FiltersForm({ onApply }: { onApply: (f: AuditFilters) => void }) {
  const [v, setV] = useState({ actorId: '', subjectId: '', action: '', from: '', to: '' });
  const set = (k: keyof typeof v) => (e: { currentTarget: { value: string } }) => setV({ ...v, [k]: e.currentTarget.value });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onApply({ actorId: v.actorId.trim(), subjectId: v.subjectId.trim(), action: v.action.trim(), from: toInstant(v.from), to: toInstant(v.to) });
  };
  return (
    <Paper withBorder p="md" role="search" aria-label="Filter the audit trail">
      <form onSubmit={onSubmit}>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          <TextInput label="Actor id" description="A member or token id" value={v.actorId} onChange={set('actorId')} spellCheck={false} />
          <TextInput label="Subject id" description="A person or record id" value={v.subjectId} onChange={set('subjectId')} spellCheck={false} />
          <TextInput label="Action" description="e.g. contact.read" value={v.action} onChange={set('action')} spellCheck={false} />
          <TextInput label="From" type="datetime-local" value={v.from} onChange={set('from')} />
          <TextInput label="Until" type="datetime-local" value={v.to} onChange={set('to')} />
        </SimpleGrid>
        <Button type="submit" mt="md">
          Apply filters
        </Button>
      </form>
    </Paper>
  );
}

function EventRow({ e }: { e: AuditEvent }) {
  return (
    <Table.Tr>
      <Table.Td>{e.seq ?? <Text span size="sm" c="gray.8">pending</Text>}</Table.Td>
      <Table.Td>
        <time dateTime={e.at}>{formatTime(e.at)}</time>
      </Table.Td>
      <Table.Td>
        <Code>{e.action}</Code>
      </Table.Td>
      <Table.Td>
        {e.actorType} {e.actorId && <Code>{e.actorId}</Code>}
      </Table.Td>
      <Table.Td>{e.subjectIds.length === 0 ? '—' : e.subjectIds.length > 3 ? `${e.subjectIds.length} subjects` : e.subjectIds.map((s) => <Code key={s}>{s}</Code>)}</Table.Td>
      <Table.Td>{e.purpose ?? '—'}</Table.Td>
      <Table.Td>{e.hash ? <Code title={e.hash}>{e.hash.slice(0, 12)}…</Code> : '—'}</Table.Td>
    </Table.Tr>
  );
}

export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const events = useAuditEvents(filters);
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const query = auditQuery(filters).toString();
  return (
    <Stack>
      <Title order={1}>Audit trail</Title>
      <IntegrityBadge />
      <FiltersForm onApply={setFilters} />
      <Group justify="space-between">
        <Text size="sm">Newest first. Events hold ids and codes, never personal values.</Text>
        <Anchor href={`/api/v1/audit-events/export.csv${query ? `?${query}` : ''}`} download>
          Export these events as CSV
        </Anchor>
      </Group>
      {events.isPending && <Loader size="sm" aria-label="Loading events" />}
      {events.error && (
        <Alert color="red" title={events.error.problem.title} role="alert">
          {events.error.message}
        </Alert>
      )}
      {events.data && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped>
            <Table.Caption>{items.length === 0 ? 'No events match.' : `${items.length} events shown`}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {['Seq', 'Time', 'Action', 'Actor', 'Subjects', 'Purpose', 'Hash'].map((h) => (
                  <Table.Th scope="col" key={h}>
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e, i) => (
                <EventRow key={`${e.seq ?? 'p'}-${e.at}-${i}`} e={e} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {events.hasNextPage && (
        <Button variant="default" onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage} style={{ alignSelf: 'flex-start' }}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
