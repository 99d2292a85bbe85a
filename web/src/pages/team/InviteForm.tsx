import { Alert, Button, Group, NativeSelect, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../../focus-first-error.js';
import { ROLE_ORDER, type Role } from '../../permissions.js';
import { useInvite } from '../../team-queries.js';

export function InviteForm() {
  const invite = useInvite();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('sales');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [local, setLocal] = useState<{ email?: string }>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, invite.error);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const to = email.trim();
    if (to === '') return setLocal({ email: 'Enter the email address of the person to invite.' });
    setLocal({});
    invite.mutate(
      { email: to, role },
      {
        onSuccess: () => {
          setSentTo(to);
          setEmail('');
        },
      },
    );
  };
  const fields = { ...(invite.error?.fieldErrors({ email: { name: 'the email address of the person to invite', kind: 'email' }, role: { name: 'a role', kind: 'choice' } }) ?? {}), ...local };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="invite-title">
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="invite-title">
        <Stack>
          <Title order={2} size="h4" id="invite-title">
            Invite a member
          </Title>
          {sentTo && !invite.error && (
            <Alert color="green" title="Invitation sent" role="status">
              {sentTo} will get a single-use link by mail.
            </Alert>
          )}
          {invite.error && !fields.email && (
            <Alert color="red" title={invite.error.problem.title} role="alert" tabIndex={-1}>
              {invite.error.message}
            </Alert>
          )}
          <Group align="flex-end">
            <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields.email} style={{ flex: 1 }} />
            <NativeSelect label="Role" data={[...ROLE_ORDER]} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} />
            <Button type="submit" loading={invite.isPending}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
