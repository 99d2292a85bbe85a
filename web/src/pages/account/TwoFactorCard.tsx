import { Alert, Badge, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { TotpEnrolment } from '../../components/TotpEnrolment.js';
import { useFocusFirstError } from '../../focus-first-error.js';
import { requiredErrors, type FieldSpecs } from '../../form-errors.js';
import { useDisableTotp, type Me, type Reauth } from '../../identity-queries.js';

const REAUTH_SPECS: FieldSpecs = { password: { name: 'your password' }, code: { name: 'the current code from your app' } };

type Mode = 'idle' | 'reenrol' | 'disable';

/** The old factor's proof (password and a current code), asked before changing the factor. */
function ReauthForm({ label, submitLabel, pending, error, onSubmit, onCancel }: { label: string; submitLabel: string; pending: boolean; error: string | null; onSubmit: (r: Reauth) => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const missing = requiredErrors({ password, code }, REAUTH_SPECS);
    setLocal(missing);
    if (Object.keys(missing).length > 0) return;
    onSubmit({ password, code: code.replace(/\s+/g, '') });
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={label}>
      <Stack>
        {error && (
          <Alert color="red" title="Not accepted" role="alert" tabIndex={-1}>
            {error}
          </Alert>
        )}
        <PasswordInput label="Your password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={local.password} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the password' }} />
        <TextInput label="Current code from your authenticator app" required inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={local.code} />
        <Group>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Two-factor status, re-enrolment (a new app and new recovery codes; other
 * sessions end) and, where the role allows it, turning 2FA off.
 */
export function TwoFactorCard({ me }: { me: Me }) {
  const [mode, setMode] = useState<Mode>('idle');
  const [reauth, setReauth] = useState<Reauth | null>(null);
  const disable = useDisableTotp();
  const qc = useQueryClient();
  const finish = () => {
    setMode('idle');
    setReauth(null);
    void qc.invalidateQueries({ queryKey: ['me'] });
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="twofactor-title">
      <Stack>
        <Group>
          <Title order={2} size="h4" id="twofactor-title">
            Two-factor authentication
          </Title>
          <Badge color={me.totpEnrolled ? 'teal.9' : 'gray.8'}>{me.totpEnrolled ? 'On' : 'Off'}</Badge>
        </Group>
        {mode === 'idle' && (
          <>
            <Text size="sm">
              Re-enrolling sets up a new authenticator app and gives you 10 new recovery codes; the old codes stop working.
            </Text>
            <Group>
              <Button variant="default" onClick={() => setMode('reenrol')}>
                {me.totpEnrolled ? 'Re-enrol and get new recovery codes' : 'Set up two-factor authentication'}
              </Button>
              {me.totpEnrolled && (
                <Button variant="default" color="red" onClick={() => setMode('disable')}>
                  Turn off
                </Button>
              )}
            </Group>
          </>
        )}
        {mode === 'reenrol' && me.totpEnrolled && !reauth && (
          <ReauthForm label="Confirm it is you" submitLabel="Continue" pending={false} error={null} onSubmit={setReauth} onCancel={finish} />
        )}
        {mode === 'reenrol' && (reauth || !me.totpEnrolled) && <TotpEnrolment {...(reauth ? { reauth } : {})} onDone={finish} />}
        {mode === 'disable' && (
          <ReauthForm
            label="Turn off two-factor authentication"
            submitLabel="Turn off"
            pending={disable.isPending}
            error={disable.error?.message ?? null}
            onSubmit={(r) => disable.mutate(r, { onSuccess: finish })}
            onCancel={finish}
          />
        )}
      </Stack>
    </Paper>
  );
}
