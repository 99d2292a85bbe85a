import { Paper, Table, Text, Title } from '@mantine/core';
import { PERMISSION_LABELS, PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_ORDER, ROLE_PERMISSIONS } from '../../permissions.js';

/** The server's own matrix (src/modules/identity/permissions.ts), shown as a table. */
export function PermissionMatrix() {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="matrix-title">
      <Title order={2} size="h4" id="matrix-title" mb="sm">
        What each role may do
      </Title>
      <Table.ScrollContainer minWidth={720}>
        <Table striped>
          <Table.Caption>Permissions by role; API tokens use the same names as scopes.</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Permission</Table.Th>
              {ROLE_ORDER.map((r) => (
                <Table.Th scope="col" key={r}>
                  {r}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {PERMISSIONS.map((p) => (
              <Table.Tr key={p}>
                <Table.Th scope="row" fw={400}>
                  {PERMISSION_LABELS[p] ?? p} <Text span size="xs" c="gray.8">({p})</Text>
                </Table.Th>
                {ROLE_ORDER.map((r) => (
                  <Table.Td key={r}>{ROLE_PERMISSIONS[r].includes(p) ? 'Yes' : 'No'}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <dl>
        {ROLE_ORDER.map((r) => (
          <div key={r}>
            <Text component="dt" fw={600} size="sm">
              {r}
            </Text>
            <Text component="dd" size="sm" ml="md" mb="xs">
              {ROLE_DESCRIPTIONS[r]}
            </Text>
          </div>
        ))}
      </dl>
    </Paper>
  );
}
