import { Stack, Title } from '@mantine/core';
import type { Me } from '../identity-queries.js';
import { PasswordCard } from './account/PasswordCard.js';
import { SessionsCard } from './account/SessionsCard.js';
import { TwoFactorCard } from './account/TwoFactorCard.js';

export function AccountPage({ me }: { me: Me }) {
  return (
    <Stack>
      <Title order={1}>Account security</Title>
      <SessionsCard />
      <PasswordCard />
      <TwoFactorCard me={me} />
    </Stack>
  );
}
