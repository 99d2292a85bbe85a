import { AppShell, Container, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from '../router.js';

/** Pages before sign-in (setup, sign-in, 2FA, invitations, password reset): a header and one column. */
export function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Container size="sm" h="100%">
          <Group h="100%" justify="space-between">
            <Link to="/" fw={700} c="indigo.9" underline="never" aria-label="Confidant home">
              Confidant
            </Link>
            <Text size="sm" c="gray.8">
              Privacy-first CRM
            </Text>
          </Group>
        </Container>
      </AppShell.Header>
      <AppShell.Main id="main" tabIndex={-1}>
        <Container size="sm" py="xl">
          {children}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
