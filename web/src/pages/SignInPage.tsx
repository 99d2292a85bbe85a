import { Alert, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../api.js';
import { useFocusFirstError } from '../focus-first-error.js';
import { requiredErrors, type FieldSpecs } from '../form-errors.js';

const SPECS: FieldSpecs = {
  workspace: { name: 'the workspace address' },
  email: { name: 'your email address', kind: 'email' },
  password: { name: 'your password' },
};
import { useSignIn, type SignInResult } from '../queries.js';
import { Link, navigate } from '../router.js';

/** Where a password sign-in leads: the 2FA challenge, enrolment, or the app. */
export function afterSignIn(next: SignInResult['next']): string {
  if (next === 'totp') return '/sign-in/two-factor';
  if (next === 'totp_enrolment') return '/two-factor/enrol';
  return '/app';
}

/** What to tell someone whose sign-in failed, from the problem the server sent. */
function signInMessage(err: ApiError): string {
  if (err.status === 404 && err.code === 'not-found') {
    return 'Sign-in is not available on this server yet (the sign-in endpoint did not answer).';
  }
  if (err.status === 429) return err.message || 'Too many attempts. Wait a moment and try again.';
  return err.message;
}

export function SignInPage() {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const [workspace, setWorkspace] = useState(() => params.get('workspace') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSignIn();
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, signIn.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const missing = requiredErrors({ workspace, email, password }, SPECS);
    setLocal(missing);
    if (Object.keys(missing).length > 0) return;
    signIn.mutate({ workspace: workspace.trim(), email: email.trim(), password }, { onSuccess: (r) => navigate(afterSignIn(r.next)) });
  };

  const fieldErrors = { ...(signIn.error?.fieldErrors(SPECS) ?? {}), ...local };
  return (
    <Stack>
      <Title order={1}>Sign in</Title>
      <Paper withBorder p="lg" radius="md">
        <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Sign in">
          <Stack>
            {signIn.error && (
              <Alert color="red" title={signIn.error.problem.title} role="alert" tabIndex={-1}>
                {signInMessage(signIn.error)}
              </Alert>
            )}
            {params.has('signedOut') && !signIn.error && (
              <Alert color="gray" title="You were signed out" role="status">
                Your session ended (signed out elsewhere, expired, or your access changed). Sign in again to continue.
              </Alert>
            )}
            <TextInput label="Workspace" description="The workspace address, e.g. acme" required autoCapitalize="none" spellCheck={false} value={workspace} onChange={(e) => setWorkspace(e.currentTarget.value)} error={fieldErrors.workspace} />
            <TextInput label="Email" type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fieldErrors.email} />
            <PasswordInput label="Password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fieldErrors.password} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the password' }} />
            <Button type="submit" loading={signIn.isPending}>
              Sign in
            </Button>
            <Text size="sm" c="gray.8">
              Owners, admins and the DPO confirm every sign-in with two-factor authentication.
            </Text>
            <Text size="sm">
              <Link to={`/forgot-password${workspace ? `?workspace=${encodeURIComponent(workspace.trim())}` : ''}`}>Forgot your password?</Link>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
