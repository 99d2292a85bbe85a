import { Alert, Anchor, Button, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { TotpEnrolment } from '../components/TotpEnrolment.js';
import { useFocusFirstError } from '../focus-first-error.js';
import { requiredErrors } from '../form-errors.js';
import { useMe, useTotpChallenge } from '../identity-queries.js';
import { navigate } from '../router.js';

/** The second step of sign-in: a code from the app, or one of the recovery codes. */
export function TwoFactorChallengePage() {
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const challenge = useTotpChallenge();
  const qc = useQueryClient();
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, challenge.error);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = value.trim();
    const missing = requiredErrors({ value }, { value: { name: useRecovery ? 'one of your recovery codes' : 'the 6-digit code from your app' } });
    setLocal(missing);
    if (missing.value) return;
    challenge.mutate(useRecovery ? { recoveryCode: v } : { code: v.replace(/\s+/g, '') }, {
      onSuccess: () => {
        // The session is fully signed in now: whatever /me said before is stale.
        qc.removeQueries({ queryKey: ['me'] });
        navigate('/app');
      },
    });
  };
  const switchMode = () => {
    setUseRecovery((r) => !r);
    setValue('');
    challenge.reset();
  };
  return (
    <Stack>
      <Title order={1}>Two-factor authentication</Title>
      <Alert color="indigo" title="One more step" role="status">
        {useRecovery ? 'Enter one of your recovery codes. Each works once.' : 'Enter the 6-digit code from your authenticator app.'}
      </Alert>
      <Paper withBorder p="lg" radius="md">
        <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Two-factor challenge">
          <Stack>
            {challenge.error && (
              <Alert color="red" title="Not accepted" role="alert" tabIndex={-1}>
                {challenge.error.message}
              </Alert>
            )}
            <TextInput
              label={useRecovery ? 'Recovery code' : 'Authentication code'}
              inputMode={useRecovery ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              error={local.value}
            />
            <Button type="submit" loading={challenge.isPending}>
              Continue
            </Button>
            <Anchor component="button" type="button" size="sm" onClick={switchMode}>
              {useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
            </Anchor>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}

/** Required enrolment for owners, admins and the DPO (and everyone when the workspace says so). */
export function TwoFactorEnrolPage() {
  // /me also brings back the CSRF token after a reload.
  const me = useMe(true);
  const qc = useQueryClient();
  // Once enrolment has begun it stays on screen: the next /me poll says
  // "enrolled" while the recovery codes are still being read.
  const [enrolling, setEnrolling] = useState(false);
  useEffect(() => {
    if (me.data && !me.data.totpEnrolled) setEnrolling(true);
  }, [me.data]);
  const done = async () => {
    await qc.invalidateQueries({ queryKey: ['me'] });
    navigate('/app');
  };
  return (
    <Stack>
      <Title order={1}>Set up two-factor authentication</Title>
      <Alert color="indigo" title="One more step" role="status">
        Your account needs a second factor: a code from an authenticator app on your phone, asked at every sign-in.
      </Alert>
      {me.isPending && <Loader size="sm" aria-label="Loading" />}
      {me.isError && (
        <Alert color="red" title="Could not load your account" role="alert">
          {me.error.message}
        </Alert>
      )}
      {me.data && me.data.totpEnrolled && !enrolling && (
        <Text>
          Two-factor authentication is already on. Change it from <Anchor href="/account">Account security</Anchor>.
        </Text>
      )}
      {enrolling && (
        <Paper withBorder p="lg" radius="md">
          <TotpEnrolment onDone={() => void done()} />
        </Paper>
      )}
    </Stack>
  );
}
