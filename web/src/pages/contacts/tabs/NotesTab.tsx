import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useCreateNote, type Note } from '../../../deals-queries.js';
import { useFocusFirstError } from '../../../focus-first-error.js';
import { ERASED, FormError, RelatedList, when } from './RelatedList.js';

function NoteForm({ contactId }: { contactId: string }) {
  const create = useCreateNote();
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, missing && attempt, create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempt((n) => n + 1);
    if (!body.trim()) return setMissing(true);
    setMissing(false);
    create.mutate({ contactId, body: body.trim() }, { onSuccess: () => setBody('') });
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Add a note">
      <Stack gap="xs">
        <FormError error={create.error} />
        <Textarea label="New note" autosize minRows={2} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={missing ? 'Write the note first.' : create.error?.fieldErrors({ body: { name: 'the note' } }).body} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NotesTab({ contactId, canWrite, active }: { contactId: string; canWrite: boolean; active: boolean }) {
  return (
    <Stack>
      {canWrite && <NoteForm contactId={contactId} />}
      <RelatedList<Note>
        name="Notes"
        path={`/api/v1/notes?contactId=${encodeURIComponent(contactId)}&limit=50`}
        enabled={active}
        columns={[
          { label: 'When', render: (r) => when(r.createdAt) },
          { label: 'Note', render: (r) => (r.erased || r.body === null ? ERASED : <span style={{ whiteSpace: 'pre-wrap' }}>{r.body}</span>) },
        ]}
      />
    </Stack>
  );
}
