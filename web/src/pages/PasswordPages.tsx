import { Alert, Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { NewPasswordForm } from '../components/NewPasswordForm.js';
import { useFocusFirstError } from '../focus-first-error.js';
import { requiredErrors, type FieldSpecs } from '../form-errors.js';
import { useFragmentToken } from '../fragment.js';
import { useAcceptInvitation, useConfirmPasswordReset, useRequestPasswordReset } from '../identity-queries.js';
import { Link } from '../router.js';

const RESET_SPECS: FieldSpecs = { workspace: { name: 'the workspace address' }, email: { name: 'your email address', kind: 'email' } };

/** Asks for a reset link; the answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const [workspace, setWorkspace] = useState(() => new URLSearchParams(window.location.search).get('workspace') ?? '');
  const [email, setEmail] = useState('');
  const request = useRequestPasswordReset();
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, request.error);
  const fields = { ...(request.error?.fieldErrors(RESET_SPECS) ?? {}), ...local };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const missing = requiredErrors({ workspace, email }, RESET_SPECS);
    setLocal(missing);
    if (Object.keys(missing).length > 0) return;
    request.mutate({ workspace: workspace.trim(), email: email.trim() });
  };
  return (
    <Stack>
      <Title order={1}>Reset your password</Title>
      {request.isSuccess ? (
        <Alert color="green" title="Check your mail" role="status">
          If an account with that address exists in this workspace, a link to set a new password is on its way. It works
          once and expires soon.
        </Alert>
      ) : (
        <Paper withBorder p="lg" radius="md">
          <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Request a password reset">
            <Stack>
              {request.error && (
                <Alert color="red" title={request.error.problem.title} role="alert" tabIndex={-1}>
                  {request.error.message}
                </Alert>
              )}
              <TextInput label="Workspace" description="The workspace address, e.g. acme" required autoCapitalize="none" spellCheck={false} value={workspace} onChange={(e) => setWorkspace(e.currentTarget.value)} error={fields.workspace} />
              <TextInput label="Email" type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields.email} />
              <Button type="submit" loading={request.isPending}>
                Send me a link
              </Button>
            </Stack>
          </form>
        </Paper>
      )}
      <Text size="sm">
        <Link to="/sign-in">Back to sign-in</Link>
      </Text>
    </Stack>
  );
}

function MissingToken({ what }: { what: string }) {
  return (
    <Alert color="orange" title="The link is missing its token" role="alert">
      Open the full link from the {what} email.
    </Alert>
  );
}

/** `/reset-password#token=…` from the reset mail. */
export function ResetPasswordPage() {
  const token = useFragmentToken();
  const confirm = useConfirmPasswordReset();
  return (
    <Stack>
      <Title order={1}>Choose a new password</Title>
      {!token && <MissingToken what="password reset" />}
      {token && confirm.isSuccess && (
        <Alert color="green" title="Your password is changed" role="status">
          Every other session of yours was signed out. <Link to="/sign-in">Sign in</Link> with the new password.
        </Alert>
      )}
      {token && !confirm.isSuccess && (
        <Paper withBorder p="lg" radius="md">
          <NewPasswordForm label="Set a new password" submitLabel="Set new password" pending={confirm.isPending} error={confirm.error} onSubmit={(password) => confirm.mutate({ token, password })} />
        </Paper>
      )}
    </Stack>
  );
}

/** `/accept-invitation#token=…` from the invitation mail: the invitee picks a password. */
export function AcceptInvitationPage() {
  const token = useFragmentToken();
  const accept = useAcceptInvitation();
  const slug = typeof accept.data?.workspace === 'string' ? accept.data.workspace : '';
  return (
    <Stack>
      <Title order={1}>Join your team on Confidant</Title>
      {!token && <MissingToken what="invitation" />}
      {token && accept.isSuccess && (
        <Alert color="green" title="Your account is ready" role="status">
          <Link to={slug ? `/sign-in?workspace=${encodeURIComponent(slug)}` : '/sign-in'}>Sign in</Link> with your email and the
          password you chose.
        </Alert>
      )}
      {token && !accept.isSuccess && (
        <Paper withBorder p="lg" radius="md">
          <Text mb="md">Choose the password for your new account.</Text>
          <NewPasswordForm label="Accept the invitation" submitLabel="Create my account" pending={accept.isPending} error={accept.error} onSubmit={(password) => accept.mutate({ token, password })} />
        </Paper>
      )}
    </Stack>
  );
}
