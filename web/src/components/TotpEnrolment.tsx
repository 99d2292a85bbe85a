import { Alert, Button, Code, CopyButton, Group, List, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../focus-first-error.js';
import { requiredErrors } from '../form-errors.js';
import { useConfirmEnrolment, useStartEnrolment, type Reauth } from '../identity-queries.js';

/**
 * The server's QR code as an image: an <img> never runs what an SVG might
 * carry (scripts, links), unlike markup put into the page.
 */
export function svgDataUrl(svg: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(svg)) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** Shown once, right after enrolment: the server keeps only their hashes. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="green" title="Two-factor authentication is on" role="status">
        Save these 10 recovery codes somewhere safe. Each signs you in once if you lose your device. They are shown only
        now.
      </Alert>
      <Paper withBorder p="md" aria-labelledby="recovery-codes-title">
        <Title order={2} size="h4" id="recovery-codes-title">
          Recovery codes
        </Title>
        <List spacing={4} mt="sm" data-testid="recovery-codes">
          {codes.map((c) => (
            <List.Item key={c}>
              <Code>{c}</Code>
            </List.Item>
          ))}
        </List>
      </Paper>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? 'Copied' : 'Copy the codes'}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>I have saved them, continue</Button>
      </Group>
    </Stack>
  );
}

/**
 * Enrolment: the QR code and the secret for manual entry, then a code from
 * the app to confirm, then the recovery codes once. `reauth` is the old
 * factor's proof when re-enrolling.
 */
export function TotpEnrolment({ reauth, onDone }: { reauth?: Reauth; onDone: () => void }) {
  const start = useStartEnrolment();
  const confirm = useConfirmEnrolment();
  const [code, setCode] = useState('');
  const started = useRef(false);
  const [missing, setMissing] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, missing, confirm.error);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start.mutate(reauth);
  }, [start, reauth]);

  if (confirm.data) return <RecoveryCodes codes={confirm.data.recoveryCodes} onDone={onDone} />;
  if (start.error)
    return (
      <Alert color="red" title={start.error.problem.title} role="alert">
        {start.error.message}
      </Alert>
    );
  if (!start.data) return <Text>Preparing your QR code…</Text>;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const m = requiredErrors({ code }, { code: { name: 'the 6-digit code the app shows' } }).code ?? null;
    setMissing(m);
    if (m) return;
    confirm.mutate(code.replace(/\s+/g, ''));
  };
  return (
    <Stack>
      <Text>1. Scan this QR code with an authenticator app (for example Aegis, FreeOTP or 1Password).</Text>
      <img src={svgDataUrl(start.data.qrSvg)} alt="QR code to add Confidant to your authenticator app" width={200} height={200} />
      <Text>
        Or type this key into the app: <Code data-testid="totp-secret">{start.data.secret}</Code>
      </Text>
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Confirm two-factor authentication">
        <Stack>
          <TextInput
            label="2. The 6-digit code the app shows"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            error={missing ?? confirm.error?.fieldErrors({ code: { name: 'the 6-digit code the app shows' } }).code ?? (confirm.error ? confirm.error.message : undefined)}
          />
          <Button type="submit" loading={confirm.isPending}>
            Turn on two-factor authentication
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
