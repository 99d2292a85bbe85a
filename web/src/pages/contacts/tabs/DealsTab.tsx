import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { formatAmount, useCreateDeal, type Deal } from '../../../deals-queries.js';
import { useFocusFirstError } from '../../../focus-first-error.js';
import type { Me } from '../../../identity-queries.js';
import { useMemberDirectory } from '../../../member-names.js';
import { ERASED, FormError, RelatedList, when } from './RelatedList.js';

function DealForm({ contactId, me }: { contactId: string; me: Me }) {
  const create = useCreateDeal();
  const [title, setTitle] = useState('');
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, missing && attempt, create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempt((n) => n + 1);
    if (!title.trim()) return setMissing(true);
    setMissing(false);
    create.mutate({ contactId, title: title.trim(), ownerId: me.id }, { onSuccess: () => setTitle('') });
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Add a deal">
      <Stack gap="xs">
        <FormError error={create.error} />
        <TextInput
          label="New deal"
          description="Starts in the first stage of the default pipeline, owned by you; the Deals board moves it on."
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={missing ? 'Enter a title for the deal.' : create.error?.fieldErrors({ title: { name: 'a title for the deal' } }).title}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Add deal
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function DealsTab({ contactId, me, canWrite, active }: { contactId: string; me: Me; canWrite: boolean; active: boolean }) {
  const members = useMemberDirectory(me);
  return (
    <Stack>
      {canWrite && <DealForm contactId={contactId} me={me} />}
      <RelatedList<Deal>
        name="Deals"
        path={`/api/v1/deals?contactId=${encodeURIComponent(contactId)}&limit=50`}
        enabled={active}
        columns={[
          { label: 'Deal', render: (r) => (r.erased || r.title === null ? ERASED : r.title) },
          { label: 'Amount', render: (r) => formatAmount(r.amountCents, r.currency) },
          { label: 'Expected close', render: (r) => r.expectedClose ?? '—' },
          { label: 'Owner', render: (r) => members.label(r.ownerId) },
          { label: 'Created', render: (r) => when(r.createdAt) },
        ]}
      />
    </Stack>
  );
}
