import { Alert, Anchor, Button, Group, Paper, Radio, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useCreateExport, type ExportFormat } from '../../export-queries.js';
import { formatTime } from '../../format.js';

/**
 * The contacts list's Export action: everyone the member can see, or the
 * segment chosen in the filter, as CSV or JSON. Owners and the DPO are told
 * of every export; the link works for 24 hours.
 */
export function ExportContacts({ segmentId, segmentName, onClose }: { segmentId: string; segmentName: string | null; onClose: () => void }) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const create = useCreateExport();
  const made = create.data;
  const scope = segmentId ? `the contacts in the segment “${segmentName ?? 'selected'}”` : 'all the contacts you can see';
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="export-title">
      <Title order={2} size="h4" id="export-title" mb="sm">
        Export contacts
      </Title>
      <Stack>
        <Text size="sm">
          Exports {scope}. The workspace's owners and data protection officer are told of every export, and the download link works for 24 hours.
        </Text>
        <Radio.Group label="Format" value={format} onChange={(v) => setFormat(v === 'json' ? 'json' : 'csv')}>
          <Group mt="xs">
            <Radio value="csv" label="CSV (spreadsheets)" />
            <Radio value="json" label="JSON" />
          </Group>
        </Radio.Group>
        {create.error && (
          <Alert color="red" title={create.error.problem.title} role="alert">
            {create.error.message}
          </Alert>
        )}
        {made && (
          <Alert color="green" title="Export ready" role="status">
            <Text size="sm">
              {made.records.toLocaleString('en')} {made.records === 1 ? 'contact' : 'contacts'}.{' '}
              <Anchor href={made.url} download={`contacts.${made.format}`}>
                Download the {made.format.toUpperCase()} file
              </Anchor>{' '}
              (until <time dateTime={made.expiresAt}>{formatTime(made.expiresAt)}</time>).
            </Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button loading={create.isPending} onClick={() => create.mutate(segmentId ? { format, segmentId } : { format })}>
            Create export
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
