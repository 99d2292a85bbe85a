import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../focus-first-error.js';
import type { ApiError } from '../api.js';

export const MIN_PASSWORD = 12;

/** A new password twice, checked here first; the server has the last word (length, common passwords). */
export function NewPasswordForm(props: { label: string; submitLabel: string; pending: boolean; error: ApiError | null; onSubmit: (password: string) => void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<{ password?: string; confirm?: string }>({});

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errors: { password?: string; confirm?: string } = {};
    if (password.length < MIN_PASSWORD) errors.password = password === '' ? 'Enter a new password.' : `Use at least ${MIN_PASSWORD} characters.`;
    if (confirm !== password) errors.confirm = 'The passwords do not match.';
    setLocal(errors);
    if (errors.password || errors.confirm) return;
    props.onSubmit(password);
  };
  const server = props.error?.fieldErrors({ password: { name: 'a new password' }, newPassword: { name: 'a new password' } }) ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, props.error);
  const serverPassword = server.password ?? server.newPassword;
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={props.label}>
      <Stack>
        {props.error && !serverPassword && (
          <Alert color="red" title={props.error.problem.title} role="alert" tabIndex={-1}>
            {props.error.message}
          </Alert>
        )}
        <PasswordInput id="new-password" label="New password" description={`At least ${MIN_PASSWORD} characters.`} required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={local.password ?? serverPassword} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the password' }} />
        <PasswordInput id="confirm-password" label="Confirm new password" required autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={local.confirm} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the confirmation' }} />
        <Button type="submit" loading={props.pending}>
          {props.submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
