import { Alert, Button, Paper, PasswordInput, Stack, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { MIN_PASSWORD } from '../../components/NewPasswordForm.js';
import { useChangePassword } from '../../identity-queries.js';

/** Changing the password ends every other session; this one continues with a new token. */
export function PasswordCard() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<string | null>(null);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (next.length < MIN_PASSWORD) return setLocal(`Use at least ${MIN_PASSWORD} characters.`);
    if (next !== confirm) return setLocal('The new passwords do not match.');
    setLocal(null);
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setConfirm('');
        },
      },
    );
  };
  const fields = change.error?.fieldErrors() ?? {};
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="password-title">
      <form onSubmit={onSubmit} noValidate aria-labelledby="password-title">
        <Stack>
          <Title order={2} size="h4" id="password-title">
            Change password
          </Title>
          {change.isSuccess && (
            <Alert color="green" title="Password changed" role="status">
              Your other sessions were signed out.
            </Alert>
          )}
          {change.error && !fields.newPassword && (
            <Alert color="red" title={change.error.problem.title} role="alert">
              {change.error.message}
            </Alert>
          )}
          <PasswordInput label="Current password" required autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the current password' }} />
          <PasswordInput label="New password" description={`At least ${MIN_PASSWORD} characters.`} required autoComplete="new-password" value={next} onChange={(e) => setNext(e.currentTarget.value)} error={local ?? fields.newPassword} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the new password' }} />
          <PasswordInput label="Confirm new password" required autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the confirmation' }} />
          <Button type="submit" loading={change.isPending} style={{ alignSelf: 'flex-start' }}>
            Change password
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
