import { Stack, Title } from '@mantine/core';
import type { Me } from '../identity-queries.js';
import { InviteForm } from './team/InviteForm.js';
import { MembersTable } from './team/MembersTable.js';
import { PermissionMatrix } from './team/PermissionMatrix.js';

export function TeamPage({ me }: { me: Me }) {
  return (
    <Stack>
      <Title order={1}>Team</Title>
      <InviteForm />
      <MembersTable me={me} />
      <PermissionMatrix matrix={me.permissionMatrix} />
    </Stack>
  );
}
