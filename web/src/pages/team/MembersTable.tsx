import { Alert, Button, Group, Loader, Modal, NativeSelect, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { formatTime } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { ROLE_ORDER, type Role } from '../../permissions.js';
import { useChangeRole, useMembers, useRemoveMember, useResetMemberTotp, type Member } from '../../team-queries.js';

type Pending = { kind: 'remove' | 'reset'; member: Member } | null;

function ConfirmDialog({ pending, busy, onConfirm, onClose }: { pending: Pending; busy: boolean; onConfirm: () => void; onClose: () => void }) {
  const remove = pending?.kind === 'remove';
  return (
    <Modal opened={pending !== null} onClose={onClose} title={remove ? 'Remove member' : 'Reset two-factor authentication'} centered>
      <Stack>
        <Text>
          {remove
            ? `${pending?.member.email} loses access at once: their open pages and API tokens stop working.`
            : `${pending?.member.email} must set up two-factor authentication again at their next sign-in; their sessions end now and the API tokens they made stop working.`}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={busy}>
            {remove ? 'Remove' : 'Reset 2FA'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function MemberRow({ m, me, onAsk }: { m: Member; me: Me; onAsk: (p: Pending) => void }) {
  const changeRole = useChangeRole();
  const self = m.id === me.id;
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={400}>
        {m.email} {self && '(you)'}
      </Table.Th>
      <Table.Td>
        <NativeSelect
          aria-label={`Role of ${m.email}`}
          data={[...ROLE_ORDER]}
          value={m.role}
          disabled={self || changeRole.isPending}
          onChange={(e) => changeRole.mutate({ id: m.id, role: e.currentTarget.value as Role })}
          error={changeRole.error?.message}
        />
      </Table.Td>
      <Table.Td>{m.totpEnrolled ? 'On' : 'Off'}</Table.Td>
      <Table.Td>{formatTime(m.lastSeenAt)}</Table.Td>
      <Table.Td>
        {!self && (
          <Group gap="xs" wrap="nowrap">
            {m.totpEnrolled && m.canResetTotp && (
              <Button size="xs" variant="default" onClick={() => onAsk({ kind: 'reset', member: m })} aria-label={`Reset 2FA of ${m.email}`}>
                Reset 2FA
              </Button>
            )}
            <Button size="xs" variant="default" color="red" onClick={() => onAsk({ kind: 'remove', member: m })} aria-label={`Remove ${m.email}`}>
              Remove
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function MembersTable({ me }: { me: Me }) {
  const members = useMembers();
  const remove = useRemoveMember();
  const reset = useResetMemberTotp();
  const [pending, setPending] = useState<Pending>(null);
  const confirm = () => {
    if (!pending) return;
    const action = pending.kind === 'remove' ? remove : reset;
    action.mutate(pending.member.id, { onSettled: () => setPending(null) });
  };
  const error = members.error ?? remove.error ?? reset.error;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="members-title">
      <Title order={2} size="h4" id="members-title" mb="sm">
        Members
      </Title>
      {members.isPending && <Loader size="sm" aria-label="Loading members" />}
      {error && (
        <Alert color="red" title={error.problem.title} role="alert" mb="sm">
          {error.message}
        </Alert>
      )}
      {members.data && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Email</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col">2FA</Table.Th>
                <Table.Th scope="col">Last seen</Table.Th>
                <Table.Th scope="col">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.items.map((m) => (
                <MemberRow key={m.id} m={m} me={me} onAsk={setPending} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog pending={pending} busy={remove.isPending || reset.isPending} onConfirm={confirm} onClose={() => setPending(null)} />
    </Paper>
  );
}
