import { Stack, Text, Title } from '@mantine/core';
import { Link } from '../router.js';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={1}>Page not found</Title>
      <Text>There is no page at this address.</Text>
      <Link to="/">Go to the start page</Link>
    </Stack>
  );
}
