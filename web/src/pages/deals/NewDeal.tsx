import { Alert, Button, Group, NativeSelect, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { parseAmount } from '../../amounts.js';
import { ContactPicker } from '../../components/ContactPicker.js';
import { formatAmount, useCreateDeal, type Deal, type Pipeline } from '../../deals-queries.js';
import { useFocusFirstError } from '../../focus-first-error.js';
import type { FieldSpecs } from '../../form-errors.js';
import type { Me } from '../../identity-queries.js';

const DEAL_FIELDS: FieldSpecs = {
  title: { name: 'a title for the deal' },
  amountCents: { name: 'an amount' },
  currency: { name: 'a currency code such as EUR' },
  stageId: { name: 'a stage', kind: 'choice' },
  expectedClose: { name: 'the expected close date', kind: 'date' },
  contactId: { name: 'a contact', kind: 'choice' },
};

/** The board's "New deal" form: the amount read by the locale (amounts.ts) and echoed as it will be saved. */
export function NewDeal({ pipeline, me, onDone }: { pipeline: Pipeline; me: Me; onDone: (d: Deal | null) => void }) {
  const create = useCreateDeal();
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [stageId, setStageId] = useState(pipeline.stages[0]?.id ?? '');
  const [expectedClose, setExpectedClose] = useState('');
  const [contactId, setContactId] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const server = create.error?.fieldErrors(DEAL_FIELDS) ?? {};
  const err = (k: string) => local[k] ?? server[k];
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, create.error);
  // What will be saved, as the board will show it: a misread amount is seen before it is stored.
  const typed = parseAmount(amount, navigator.language);
  const amountEcho = typed.ok && typed.cents !== null ? `Saved as ${formatAmount(typed.cents, /^[A-Za-z]{3}$/.test(currency.trim()) ? currency.trim().toUpperCase() : null)}` : 'For example 48 500,00 or 48,500.00';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseAmount(amount, navigator.language);
    const problems: Record<string, string> = {};
    if (!title.trim()) problems.title = 'Enter a title for the deal.';
    if (!parsed.ok) problems.amountCents = parsed.message;
    const cur = currency.trim().toUpperCase();
    if (cur && !/^[A-Z]{3}$/.test(cur)) problems.currency = 'Give an ISO 4217 code such as EUR.';
    setLocal(problems);
    if (Object.keys(problems).length > 0 || !parsed.ok) return;
    create.mutate(
      {
        title: title.trim(),
        amountCents: parsed.cents,
        currency: cur || null,
        pipelineId: pipeline.id,
        stageId,
        expectedClose: expectedClose || null,
        contactId: contactId || null,
        ownerId: me.id,
      },
      { onSuccess: onDone },
    );
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="new-deal-title">
      <Title order={2} size="h4" id="new-deal-title" mb="sm">
        New deal
      </Title>
      <form ref={formRef} onSubmit={submit} noValidate aria-label="New deal">
        <Stack>
          {create.error && Object.keys(server).length === 0 && (
            <Alert color="red" title={create.error.problem.title} role="alert" tabIndex={-1}>
              {create.error.message}
            </Alert>
          )}
          <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={err('title')} />
          <Group grow align="flex-start">
            <TextInput
              label="Amount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              error={err('amountCents')}
              description={amountEcho}
            />
            <TextInput label="Currency" maxLength={3} value={currency} onChange={(e) => setCurrency(e.currentTarget.value)} error={err('currency')} />
          </Group>
          <Group grow align="flex-start">
            <NativeSelect label="Stage" value={stageId} onChange={(e) => setStageId(e.currentTarget.value)} data={pipeline.stages.map((s) => ({ value: s.id, label: s.name }))} />
            <TextInput label="Expected close" type="date" value={expectedClose} onChange={(e) => setExpectedClose(e.currentTarget.value)} error={err('expectedClose')} />
          </Group>
          <ContactPicker label="Contact" value={contactId} onChange={setContactId} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onDone(null)}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create deal
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
