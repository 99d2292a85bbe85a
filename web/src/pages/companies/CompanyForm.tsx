import { Alert, Button, Group, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../api.js';
import type { Company, CompanyInput } from '../../crm-queries.js';
import { useFocusFirstError } from '../../focus-first-error.js';
import type { FieldSpecs } from '../../form-errors.js';

const SPECS: FieldSpecs = {
  name: { name: 'the company name' },
  domain: { name: 'a domain such as acme.example' },
  website: { name: 'a website', kind: 'url' },
  industry: { name: 'an industry' },
  size: { name: 'a size' },
  phone: { name: 'a phone number' },
  notes: { name: 'a note' },
};

const FIELDS = [
  { key: 'name', label: 'Name' },
  { key: 'domain', label: 'Domain', description: 'e.g. acme.example' },
  { key: 'website', label: 'Website', description: 'https://…' },
  { key: 'industry', label: 'Industry' },
  { key: 'size', label: 'Size', description: 'e.g. 11–50' },
  { key: 'phone', label: 'Phone' },
] as const;
type Key = (typeof FIELDS)[number]['key'];

/** Create or edit a company; the server's field errors land under their inputs. */
export function CompanyForm({ initial, submitLabel, pending, error, onSubmit, onCancel }: {
  initial?: Company;
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  onSubmit: (input: CompanyInput) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Record<Key | 'notes', string>>(() => ({
    name: initial?.name ?? '',
    domain: initial?.domain ?? '',
    website: initial?.website ?? '',
    industry: initial?.industry ?? '',
    size: initial?.size ?? '',
    phone: initial?.phone ?? '',
    notes: initial?.notes ?? '',
  }));
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...(error?.fieldErrors(SPECS) ?? {}), ...local };
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (d.name.trim() === '') return setLocal({ name: 'Enter the company name.' });
    setLocal({});
    const body: CompanyInput = { name: d.name.trim() };
    for (const f of FIELDS) if (f.key !== 'name') body[f.key] = d[f.key].trim() === '' ? (initial ? null : undefined) : d[f.key].trim();
    body.notes = d.notes.trim() === '' ? (initial ? null : undefined) : d.notes;
    onSubmit(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={submitLabel}>
      <Stack>
        {error && (
          <Alert color="red" title={error.problem.title} role="alert" tabIndex={-1}>
            {Object.keys(fe).length ? 'Please correct the fields marked below.' : error.message}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {FIELDS.map((f) => (
            <TextInput
              key={f.key}
              label={f.label}
              description={'description' in f ? f.description : undefined}
              withAsterisk={f.key === 'name'}
              value={d[f.key]}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setD((x) => ({ ...x, [f.key]: v }));
              }}
              error={fe[f.key]}
            />
          ))}
        </SimpleGrid>
        <Textarea label="Notes" autosize minRows={2} value={d.notes} onChange={(e) => {
          const v = e.currentTarget.value;
          setD((x) => ({ ...x, notes: v }));
        }} error={fe.notes} />
        <Group>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
