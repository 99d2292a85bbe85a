import { Alert, Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../../focus-first-error.js';
import { navigate } from '../../router.js';
import { useCloseWorkspace } from './queries.js';

/**
 * Owners only (the server answers 403 to anyone else). Typing the slug is the
 * confirmation the server checks too: closing locks everyone out at once.
 */
export function CloseWorkspaceCard({ name, slug }: { name: string; slug: string }) {
  const close = useCloseWorkspace();
  const qc = useQueryClient();
  const [typed, setTyped] = useState('');
  const matches = typed.trim() === slug;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!matches) return;
    close.mutate(typed.trim(), {
      onSuccess: () => {
        // This session is refused from now on too: leave nothing cached behind.
        qc.clear();
        navigate(`/sign-in?signedOut=1&workspace=${encodeURIComponent(slug)}`);
      },
    });
  };
  const fields = close.error?.fieldErrors({ confirm: { name: `the workspace address, ${slug}` } }) ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, close.error);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="close-title" style={{ borderColor: 'var(--mantine-color-red-7)' }}>
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="close-title">
        <Stack>
          <Title order={2} size="h4" id="close-title" c="red.9">
            Close workspace
          </Title>
          <Text id="close-explained">
            Closing {name} blocks every sign-in: from the moment you confirm, nobody can sign in to it — you included — every
            open session ends and every API token is refused. Every owner is told by email. Only the operator of this
            installation can undo it.
          </Text>
          {close.error && !fields.confirm && (
            <Alert color="red" title={close.error.problem.title} role="alert">
              {close.error.message}
            </Alert>
          )}
          <TextInput
            label={`Type the workspace address, ${slug}, to confirm`}
            aria-describedby="close-explained"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            error={fields.confirm}
          />
          <Button type="submit" color="red" disabled={!matches} loading={close.isPending} style={{ alignSelf: 'flex-start' }}>
            Close this workspace
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
