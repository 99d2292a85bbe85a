import { List, Paper, Stack, Text, Title } from '@mantine/core';
import type { Me } from '../identity-queries.js';
import { PERMISSION_LABELS } from '../permissions.js';

/** The signed-in start page: who you are here and what your role lets you do. */
export function HomePage({ me }: { me: Me }) {
  return (
    <Stack>
      <Title order={1}>Welcome</Title>
      <Text>
        Signed in to <strong>{me.workspaceSlug}</strong> as {me.email}, with the role <strong>{me.role}</strong>.
      </Text>
      <Text c="gray.8">{me.permissionMatrix.roles.find((r) => r.role === me.role)?.summary}</Text>
      <Paper withBorder p="md" component="section" aria-labelledby="home-permissions">
        <Title order={2} size="h4" id="home-permissions">
          What your role allows
        </Title>
        {me.permissions.length === 0 ? (
          <Text mt="sm">Nothing beyond your own account.</Text>
        ) : (
          <List mt="sm">
            {me.permissions.map((p) => (
              <List.Item key={p}>{PERMISSION_LABELS[p] ?? p}</List.Item>
            ))}
          </List>
        )}
      </Paper>
    </Stack>
  );
}
