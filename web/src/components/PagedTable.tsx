import { Alert, Button, Loader, Stack, Table, Text } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ApiError } from '../api.js';
import type { Page } from '../crm-queries.js';

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

/**
 * One list page of the API (`{ items, nextCursor }`) as a table: a loader,
 * the error, a live status line, the rows (the first column is each row's
 * header) and "Load more" while a cursor remains.
 */
export function PagedTable<T extends { id: string }>({
  query,
  columns,
  caption,
  status,
  loadingLabel,
  minWidth = 640,
  hideError,
}: {
  query: UseInfiniteQueryResult<InfiniteData<Page<T>>, ApiError>;
  columns: ReadonlyArray<Column<T>>;
  caption: string;
  /** The status line once data is in: a count, or what an empty list means. */
  status: (items: T[], first: Page<T> | undefined) => string;
  loadingLabel: string;
  minWidth?: number;
  /** Errors the page shows in its own way (e.g. a sort that falls back). */
  hideError?: (error: ApiError) => boolean;
}) {
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const error = query.error && !hideError?.(query.error) ? query.error : null;
  const [head, ...rest] = columns;
  return (
    <Stack>
      {query.isPending && <Loader size="sm" aria-label={loadingLabel} />}
      {error && (
        <Alert color="red" title={error.problem.title} role="alert">
          {error.message}
        </Alert>
      )}
      <Text size="sm" role="status" aria-live="polite">
        {query.data ? status(items, query.data.pages[0]) : ''}
      </Text>
      {items.length > 0 && head && (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table striped highlightOnHover>
            <Table.Caption>{caption}</Table.Caption>
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
              {items.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Th scope="row" fw={500}>
                    {head.render(row)}
                  </Table.Th>
                  {rest.map((c) => (
                    <Table.Td key={c.label}>{c.render(row)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <Button variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} style={{ alignSelf: 'flex-start' }}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
