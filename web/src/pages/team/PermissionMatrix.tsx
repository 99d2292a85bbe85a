import { Paper, Table, Text, Title } from '@mantine/core';
import { orderedRoles, PERMISSION_LABELS, type PermissionMatrix as Matrix } from '../../permissions.js';

/** The server's own matrix, as `GET /api/v1/me` sends it, shown as a table. */
export function PermissionMatrix({ matrix }: { matrix: Matrix }) {
  const roles = orderedRoles(matrix);
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
              {roles.map(({ role }) => (
                <Table.Th scope="col" key={role}>
                  {role}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {matrix.permissions.map((p) => (
              <Table.Tr key={p}>
                <Table.Th scope="row" fw={400}>
                  {PERMISSION_LABELS[p] ?? p} <Text span size="xs" c="gray.8">({p})</Text>
                </Table.Th>
                {roles.map((r) => (
                  <Table.Td key={r.role}>{r.permissions.includes(p) ? 'Yes' : 'No'}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <dl>
        {roles.map((r) => (
          <div key={r.role}>
            <Text component="dt" fw={600} size="sm">
              {r.role}
            </Text>
            <Text component="dd" size="sm" ml="md" mb="xs">
              {r.summary}
            </Text>
          </div>
        ))}
      </dl>
    </Paper>
  );
}
