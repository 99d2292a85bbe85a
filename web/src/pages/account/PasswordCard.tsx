import { Alert, Button, Paper, PasswordInput, Stack, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { MIN_PASSWORD } from '../../components/NewPasswordForm.js';
import { useFocusFirstError } from '../../focus-first-error.js';
import { useChangePassword } from '../../identity-queries.js';

/** Changing the password ends every other session; this one continues with a new token. */
export function PasswordCard() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<{ current?: string; next?: string; confirm?: string }>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, change.error);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problems: { current?: string; next?: string; confirm?: string } = {};
    if (current === '') problems.current = 'Enter your current password.';
    if (next.length < MIN_PASSWORD) problems.next = next === '' ? 'Enter a new password.' : `Use at least ${MIN_PASSWORD} characters.`;
    else if (next !== confirm) problems.confirm = 'The new passwords do not match.';
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
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
  const fields = change.error?.fieldErrors({ currentPassword: { name: 'your current password' }, newPassword: { name: 'a new password' } }) ?? {};
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="password-title">
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="password-title">
        <Stack>
          <Title order={2} size="h4" id="password-title">
            Change password
          </Title>
          {change.isSuccess && (
            <Alert color="green" title="Password changed" role="status">
              Your other sessions were signed out.
            </Alert>
          )}
          {change.error && !fields.newPassword && !fields.currentPassword && (
            <Alert color="red" title={change.error.problem.title} role="alert" tabIndex={-1}>
              {change.error.message}
            </Alert>
          )}
          <PasswordInput label="Current password" required autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={local.current ?? fields.currentPassword} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the current password' }} />
          <PasswordInput label="New password" description={`At least ${MIN_PASSWORD} characters.`} required autoComplete="new-password" value={next} onChange={(e) => setNext(e.currentTarget.value)} error={local.next ?? fields.newPassword} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the new password' }} />
          <PasswordInput label="Confirm new password" required autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={local.confirm} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the confirmation' }} />
          <Button type="submit" loading={change.isPending} style={{ alignSelf: 'flex-start' }}>
            Change password
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
