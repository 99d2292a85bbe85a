import { Alert, Loader, Stack, Text, Title } from '@mantine/core';
import { useSetupStatus } from '../queries.js';
import { Link } from '../router.js';

export function LandingPage() {
  const status = useSetupStatus();
  return (
    <Stack>
      <Title order={1}>Welcome to Confidant</Title>
      {status.isPending && <Loader size="sm" aria-label="Loading" />}
      {status.isError && (
        <Alert color="red" title="The server did not answer" role="alert">
          {status.error.message}
        </Alert>
      )}
      {status.data?.open === true && (
        <Alert color="indigo" title="This installation has no workspace yet">
          <Text size="sm">
            Open the one-time setup link that the server printed on its console when it started, or create a
            workspace with <code>confidant workspace create</code>.
          </Text>
        </Alert>
      )}
      {status.data?.open === false && (
        <Text>
          <Link to="/sign-in">Sign in</Link> to your workspace.
        </Text>
      )}
    </Stack>
  );
}
