import { Alert, Loader, Stack, Title } from '@mantine/core';
import type { Me } from '../../identity-queries.js';
import { CloseWorkspaceCard } from './CloseWorkspaceCard.js';
import { useWorkspaceSettings } from './queries.js';
import { SettingsForm } from './SettingsForm.js';

/** Owners and admins (workspace:manage); the danger section only for owners, as the server decides. */
export function WorkspaceSettingsPage({ me }: { me: Me }) {
  const settings = useWorkspaceSettings();
  return (
    <Stack>
      <Title order={1}>Workspace settings</Title>
      {settings.isPending && <Loader size="sm" aria-label="Loading settings" />}
      {settings.error && (
        <Alert color="red" title="Could not load the settings" role="alert">
          {settings.error.message}
        </Alert>
      )}
      {settings.data && (
        <>
          {/* Seeded once from the server; after a save the form takes the saved answer itself. */}
          <SettingsForm initial={settings.data} />
          {me.role === 'owner' && <CloseWorkspaceCard name={settings.data.name} slug={settings.data.slug} />}
        </>
      )}
    </Stack>
  );
}
