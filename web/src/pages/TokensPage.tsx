import { Alert, Button, Checkbox, Code, CopyButton, Group, Loader, NativeSelect, Paper, SimpleGrid, Stack, Table, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../focus-first-error.js';
import { formatTime } from '../format.js';
import type { Me } from '../identity-queries.js';
import { PERMISSION_LABELS } from '../permissions.js';
import { useCreateToken, useRevokeToken, useTokens } from '../team-queries.js';

const EXPIRY_DAYS = ['30', '90', '365'];

function CreateTokenForm({ me }: { me: Me }) {
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [days, setDays] = useState('90');
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, create.error);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (name.trim() === '') problems.name = 'Enter a name for the token.';
    if (scopes.length === 0) problems.scopes = 'Choose at least one scope.';
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    const expiresAt = new Date(Date.now() + Number(days) * 86_400_000).toISOString();
    create.mutate({ name: name.trim(), scopes, expiresAt }, { onSuccess: () => setName('') });
  };
  const fields = { ...(create.error?.fieldErrors({ name: { name: 'a name for the token' }, scopes: { name: 'at least one scope', kind: 'choice' }, expiresAt: { name: 'an expiry', kind: 'choice' } }) ?? {}), ...local };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="new-token-title">
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="new-token-title">
        <Stack>
          <Title order={2} size="h4" id="new-token-title">
            Create a token
          </Title>
          {create.data && (
            <Alert color="green" title="Copy the token now: it is shown only once" role="status">
              <Group gap="xs">
                <Code data-testid="new-token">{create.data.token}</Code>
                <CopyButton value={create.data.token}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant="default" onClick={copy}>
                      {copied ? 'Copied' : 'Copy'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Alert>
          )}
          {create.error && (
            <Alert color="red" title={create.error.problem.title} role="alert" tabIndex={-1}>
              {create.error.message}
            </Alert>
          )}
          <Group align="flex-end">
            <TextInput label="Name" description="What the token is for, e.g. newsletter sync" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} style={{ flex: 1 }} />
            <NativeSelect label="Expires after (days)" data={EXPIRY_DAYS} value={days} onChange={(e) => setDays(e.currentTarget.value)} />
          </Group>
          <Checkbox.Group label="Scopes" description="A token can never do more than you can." value={scopes} onChange={setScopes} error={fields.scopes}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              {me.permissions.map((p) => (
                <Checkbox key={p} value={p} label={`${PERMISSION_LABELS[p] ?? p} (${p})`} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Button type="submit" loading={create.isPending} style={{ alignSelf: 'flex-start' }}>
            Create token
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function TokenList() {
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const error = tokens.error ?? revoke.error;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="tokens-title">
      <Title order={2} size="h4" id="tokens-title" mb="sm">
        Tokens
      </Title>
      {tokens.isPending && <Loader size="sm" aria-label="Loading tokens" />}
      {error && (
        <Alert color="red" title={error.problem.title} role="alert">
          {error.message}
        </Alert>
      )}
      {tokens.data && (
        <Table.ScrollContainer minWidth={720}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Scopes</Table.Th>
                <Table.Th scope="col">Last used</Table.Th>
                <Table.Th scope="col">Expires</Table.Th>
                <Table.Th scope="col">Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Th scope="row" fw={400}>
                    {t.name}
                  </Table.Th>
                  <Table.Td>{t.scopes.join(', ')}</Table.Td>
                  <Table.Td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</Table.Td>
                  <Table.Td>{formatTime(t.expiresAt)}</Table.Td>
                  <Table.Td>
                    {t.revokedAt ? (
                      'Revoked'
                    ) : (
                      <Button size="xs" variant="default" color="red" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

export function TokensPage({ me }: { me: Me }) {
  return (
    <Stack>
      <Title order={1}>API tokens</Title>
      <CreateTokenForm me={me} />
      <TokenList />
    </Stack>
  );
}
