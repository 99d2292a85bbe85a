import { Alert, AppShell, Burger, Button, Container, Group, Loader, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type MouseEvent, type ReactNode } from 'react';
import { useMe, useSignOut, type Me } from '../identity-queries.js';
import { navigate, usePathname } from '../router.js';
import { visibleNav } from './nav.js';
import { NotificationsBell } from './NotificationsBell.js';

function SignOutButton() {
  const qc = useQueryClient();
  const signOut = useSignOut();
  const onClick = () =>
    signOut.mutate(undefined, {
      onSettled: () => {
        qc.clear();
        navigate('/sign-in');
      },
    });
  return (
    <Button variant="default" size="xs" onClick={onClick} loading={signOut.isPending}>
      Sign out
    </Button>
  );
}

function Navigation({ me, onNavigate }: { me: Me; onNavigate: () => void }) {
  const pathname = usePathname();
  return (
    <AppShell.Navbar p="xs" aria-label="Main">
      {visibleNav(me.permissions).map((item) => (
        <NavLink
          key={item.to}
          href={item.to}
          label={item.label}
          active={pathname === item.to || pathname.startsWith(`${item.to}/`)}
          aria-current={pathname === item.to ? 'page' : undefined}
          onClick={(e: MouseEvent<HTMLAnchorElement>) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            onNavigate();
            navigate(item.to);
          }}
        />
      ))}
    </AppShell.Navbar>
  );
}

/**
 * The signed-in area. It asks /me every ~15 s, so a member removed or signed
 * out elsewhere is taken to sign-in without a click (the api client's 401
 * handler does the taking). A page that needs a permission the server did not
 * send says so instead of rendering.
 */
export function AppLayout({ permission, children }: { permission?: string; children: (me: Me) => ReactNode }) {
  const me = useMe(true);
  const [opened, { toggle, close }] = useDisclosure(false);

  useEffect(() => {
    if (me.data?.mustEnrol) navigate('/two-factor/enrol');
  }, [me.data?.mustEnrol]);

  let body: ReactNode;
  if (me.isPending) body = <Loader size="sm" aria-label="Loading" />;
  else if (me.isError)
    body = (
      <Alert color="red" title="Could not load your account" role="alert">
        {me.error.message}
      </Alert>
    );
  else if (permission && !me.data.permissions.includes(permission))
    body = (
      <Alert color="gray" title="Not available to your role" role="alert">
        This page needs the {permission} permission.
      </Alert>
    );
  else body = children(me.data);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Show or hide navigation" />
            <Text fw={700} c="indigo.9">
              Confidant
            </Text>
            {me.data && (
              <Text size="sm" c="gray.8" visibleFrom="xs">
                {me.data.workspaceSlug}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me.data && (
              <Text size="sm" c="gray.8" visibleFrom="sm">
                {me.data.email} · {me.data.role}
              </Text>
            )}
            {me.data && !me.data.mustEnrol && <NotificationsBell />}
            <SignOutButton />
          </Group>
        </Group>
      </AppShell.Header>
      {me.data && <Navigation me={me.data} onNavigate={close} />}
      <AppShell.Main id="main" tabIndex={-1}>
        <Container size="lg" py="md">
          {body}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
