import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { fullName, useDeleteContact, type Contact } from '../../crm-queries.js';
import { navigate } from '../../router.js';

/** Erasure: says what it does (the key is destroyed), and Cancel keeps the person. */
export function DeleteContactDialog({ c, opened, onClose }: { c: Contact; opened: boolean; onClose: () => void }) {
  const del = useDeleteContact();
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${fullName(c)}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Text>
          This erases {fullName(c)}'s personal data for good: the record's key is destroyed, so no copy or backup of it can be read again. This cannot be undone.
        </Text>
        {del.error && (
          <Alert color="red" title={del.error.problem.title} role="alert">
            {del.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red.8" loading={del.isPending} onClick={() => del.mutate(c.id, { onSuccess: () => navigate('/contacts') })}>
            Erase for good
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
