import { Alert, Loader, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ApiError } from '../../../api.js';
import type { Column } from '../../../components/PagedTable.js';
import { useRelated } from '../../../crm-queries.js';
import { formatTime } from '../../../format.js';

export const ERASED = '[erased]';

export const when = (v: string | null | undefined): ReactNode => (v ? <time dateTime={v}>{formatTime(v)}</time> : '—');

/** A mutation's error above its form. */
export function FormError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <Alert color="red" title={error.problem.title} role="alert">
      {error.message}
    </Alert>
  );
}

/**
 * One page of a list another module serves (`/notes?contactId=` …) as a
 * table. Until that module is wired (404) it says so plainly.
 */
export function RelatedList<T extends { id: string }>({
  name,
  path,
  columns,
  enabled,
}: {
  name: string;
  path: string;
  columns: ReadonlyArray<Column<T>>;
  enabled: boolean;
}) {
  const q = useRelated<T>(name, path, enabled);
  if (q.isPending) return <Loader size="sm" aria-label={`Loading ${name.toLowerCase()}`} />;
  if (q.error)
    return (
      <Alert color="red" title={q.error.problem.title} role="alert">
        {q.error.message}
      </Alert>
    );
  if (!q.data.available) return <Text>{name} are not available on this server yet.</Text>;
  if (q.data.items.length === 0) return <Text>No {name.toLowerCase()} for this contact yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped>
        <Table.Caption>{`${q.data.items.length} ${name.toLowerCase()}`}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th scope="col" key={c.label}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data.items.map((r) => (
            <Table.Tr key={r.id}>
              {columns.map((c) => (
                <Table.Td key={c.label}>{c.render(r)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
