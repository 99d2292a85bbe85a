import { Alert, Button, Code, Loader, Stack, Table, Text } from '@mantine/core';
import { useAccessLog } from '../../../crm-queries.js';
import { formatTime } from '../../../format.js';
import type { Me } from '../../../identity-queries.js';
import { actorLabel, useMemberDirectory } from '../../../member-names.js';

/** Who read or changed this person's data, newest first. */
export function AccessLogTab({ contactId, me }: { contactId: string; me: Me }) {
  const log = useAccessLog(contactId);
  const members = useMemberDirectory(me);
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
                <Table.Td title={e.actorId ?? undefined}>{actorLabel(e.actorType, e.actorId, members)}</Table.Td>
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
