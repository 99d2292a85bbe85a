import { Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { formatTime } from '../../format.js';
import { useRevokeSession, useSessions, useSignOutEverywhere } from '../../identity-queries.js';
import { navigate } from '../../router.js';

/** Where this member is signed in, with a way out of each and of all. */
export function SessionsCard() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const everywhere = useSignOutEverywhere();
  const qc = useQueryClient();
  const signOutEverywhere = () =>
    everywhere.mutate(undefined, {
      onSuccess: () => {
        qc.clear();
        navigate('/sign-in');
      },
    });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sessions-title">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4" id="sessions-title">
            Where you are signed in
          </Title>
          <Button color="red" variant="light" onClick={signOutEverywhere} loading={everywhere.isPending}>
            Sign out everywhere
          </Button>
        </Group>
        {sessions.isPending && <Loader size="sm" aria-label="Loading sessions" />}
        {(sessions.error ?? revoke.error ?? everywhere.error) && (
          <Alert color="red" title="Something went wrong" role="alert">
            {(sessions.error ?? revoke.error ?? everywhere.error)?.message}
          </Alert>
        )}
        {sessions.data && (
          <Table.ScrollContainer minWidth={560}>
            <Table>
              <Table.Caption>Your active sessions</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Device</Table.Th>
                  <Table.Th scope="col">Signed in</Table.Th>
                  <Table.Th scope="col">Last active</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data.items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      {s.clientLabel ?? 'Unknown device'} {s.current && <Badge variant="light">This session</Badge>}
                    </Table.Td>
                    <Table.Td>{formatTime(s.createdAt)}</Table.Td>
                    <Table.Td>{formatTime(s.lastSeenAt)}</Table.Td>
                    <Table.Td>
                      {s.current ? (
                        <Text size="sm" c="gray.8">
                          —
                        </Text>
                      ) : (
                        <Button size="xs" variant="default" onClick={() => revoke.mutate(s.id)} aria-label={`Sign out the session from ${formatTime(s.createdAt)}`}>
                          Sign out
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
