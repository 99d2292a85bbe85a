import { Alert, Button, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../focus-first-error.js';
import type { FieldSpecs } from '../form-errors.js';
import { useCompleteSetup, useSetupStatus, type SetupResult } from '../queries.js';
import { Link } from '../router.js';
import { suggestSlug } from '../slug.js';

const MIN_PASSWORD = 12;

type Field = 'workspaceName' | 'slug' | 'ownerEmail' | 'ownerPassword' | 'confirmPassword';
type Errors = Partial<Record<Field, string>>;
const SPECS: FieldSpecs = {
  workspaceName: { name: 'a workspace name' },
  slug: { name: 'a workspace address' },
  ownerEmail: { name: 'your email address', kind: 'email' },
  ownerPassword: { name: 'a password' },
};

/** The token arrives in the fragment (never sent to a server); it is taken off the address bar once read. */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}

interface Values {
  workspaceName: string;
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
  confirmPassword: string;
}

function validate(v: Values): Errors {
  const errors: Errors = {};
  if (!v.workspaceName.trim()) errors.workspaceName = 'Enter a workspace name.';
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(v.slug.trim())) {
    errors.slug = 'Use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.';
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(v.ownerEmail.trim())) errors.ownerEmail = v.ownerEmail.trim() ? 'Enter an email address such as name@example.com.' : 'Enter your email address.';
  if (v.ownerPassword.length < MIN_PASSWORD) errors.ownerPassword = `Use at least ${MIN_PASSWORD} characters.`;
  if (v.confirmPassword !== v.ownerPassword) errors.confirmPassword = 'The passwords do not match.';
  return errors;
}

export function SetupPage() {
  const [token] = useState(tokenFromHash);
  const status = useSetupStatus();
  const [created, setCreated] = useState<(SetupResult & { name: string }) | null>(null);

  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  if (created) return <SetupDone name={created.name} slug={created.slug} />;
  return (
    <Stack>
      <Title order={1}>Set up Confidant</Title>
      <Text>Create the first workspace and the account of its owner.</Text>
      {status.isPending && <Loader size="sm" aria-label="Loading" />}
      {status.isError && (
        <Alert color="red" title="The server did not answer" role="alert">
          {status.error.message}
        </Alert>
      )}
      {status.data?.open === false && (
        <Alert color="gray" title="Setup is already done">
          This installation has a workspace. <Link to="/sign-in">Sign in</Link> instead.
        </Alert>
      )}
      {status.data?.open === true && !token && (
        <Alert color="orange" title="The setup link is missing its token" role="alert">
          Open the full one-time link that the server printed on its console when it started.
        </Alert>
      )}
      {status.data?.open === true && token && <SetupForm token={token} onCreated={setCreated} />}
    </Stack>
  );
}

function SetupForm({ token, onCreated }: { token: string; onCreated: (r: SetupResult & { name: string }) => void }) {
  const [values, setValues] = useState<Values>({ workspaceName: '', slug: '', ownerEmail: '', ownerPassword: '', confirmPassword: '' });
  const [slugEdited, setSlugEdited] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const setup = useCompleteSetup();
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, attempt, setup.error);

  const set = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value, ...(field === 'workspaceName' && !slugEdited ? { slug: suggestSlug(value) } : {}) }));
    if (field === 'slug') setSlugEdited(true);
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = validate(values);
    setErrors(local);
    if (Object.keys(local).length > 0) return setAttempt((n) => n + 1);
    const { confirmPassword: _confirm, ...body } = values;
    setup.mutate(
      { ...body, token, workspaceName: body.workspaceName.trim(), slug: body.slug.trim(), ownerEmail: body.ownerEmail.trim() },
      {
        onSuccess: (r) => onCreated({ ...r, name: body.workspaceName.trim() }),
        onError: (err) => {
          const fields = err.fieldErrors(SPECS) as Errors;
          if (err.code === 'slug-taken') fields.slug = err.message;
          setErrors(fields);
        },
      },
    );
  };

  const formError = setup.error && Object.keys(setup.error.fieldErrors()).length === 0 && setup.error.code !== 'slug-taken' ? setup.error : null;
  return (
    <Paper withBorder p="lg" radius="md">
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Create the first workspace">
        <Stack>
          {formError && (
            <Alert color="red" title={formError.problem.title} role="alert" tabIndex={-1}>
              {formError.message}
            </Alert>
          )}
          <TextInput id="setup-workspaceName" label="Workspace name" required autoComplete="organization" value={values.workspaceName} onChange={(e) => set('workspaceName', e.currentTarget.value)} error={errors.workspaceName} />
          <TextInput id="setup-slug" label="Workspace address" description="Lower-case letters, digits and hyphens; used in public links." required value={values.slug} onChange={(e) => set('slug', e.currentTarget.value)} error={errors.slug} autoCapitalize="none" spellCheck={false} />
          <TextInput id="setup-ownerEmail" label="Your email" type="email" required autoComplete="email" value={values.ownerEmail} onChange={(e) => set('ownerEmail', e.currentTarget.value)} error={errors.ownerEmail} />
          <PasswordInput id="setup-ownerPassword" label="Password" description={`At least ${MIN_PASSWORD} characters.`} required autoComplete="new-password" value={values.ownerPassword} onChange={(e) => set('ownerPassword', e.currentTarget.value)} error={errors.ownerPassword} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the password' }} />
          <PasswordInput id="setup-confirmPassword" label="Confirm password" required autoComplete="new-password" value={values.confirmPassword} onChange={(e) => set('confirmPassword', e.currentTarget.value)} error={errors.confirmPassword} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the confirmation' }} />
          <Button type="submit" loading={setup.isPending}>
            Create workspace
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function SetupDone({ name, slug }: { name: string; slug: string }) {
  return (
    <Stack>
      <Title order={1}>Your workspace is ready</Title>
      <Alert color="green" title={`${name} is ready`} role="status">
        You are its owner. Sign in to continue; you will be asked to set up two-factor authentication.
      </Alert>
      <Text>
        <Link to={`/sign-in?workspace=${encodeURIComponent(slug)}`}>Sign in to {name}</Link>
      </Text>
    </Stack>
  );
}
