import { Alert, Button, Fieldset, Group, NativeSelect, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useId, useState, type FormEvent } from 'react';
import type { ApiError } from '../../api.js';
import { LAWFUL_BASES, searchable, useCompanies, useCompany, type Contact, type ContactInput, type LawfulBasis } from '../../crm-queries.js';

interface Draft {
  firstName: string;
  lastName: string;
  emails: Array<{ key: number; address: string }>;
  primary: number;
  phones: Array<{ key: number; number: string }>;
  jobTitle: string;
  companyId: string;
  city: string;
  country: string;
  tags: string;
  lawfulBasis: LawfulBasis | '';
  source: string;
}

let nextKey = 1;
const key = () => nextKey++;

function draftOf(c?: Contact): Draft {
  if (!c)
    return { firstName: '', lastName: '', emails: [{ key: key(), address: '' }], primary: 0, phones: [], jobTitle: '', companyId: '', city: '', country: '', tags: '', lawfulBasis: '', source: '' };
  const primary = Math.max(0, c.emails.findIndex((e) => e.primary));
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    emails: c.emails.length ? c.emails.map((e) => ({ key: key(), address: e.address })) : [{ key: key(), address: '' }],
    primary,
    phones: c.phones.map((p) => ({ key: key(), number: p.number })),
    jobTitle: c.jobTitle ?? '',
    companyId: c.companyId ?? '',
    city: c.city ?? '',
    country: c.country ?? '',
    tags: c.tags.join(', '),
    lawfulBasis: c.lawfulBasis,
    source: c.source,
  };
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/** A company chosen from a search of the companies list (a native select: keyboard and screen readers know it). */
function CompanyPicker({ value, onChange, error }: { value: string; onChange: (id: string) => void; error?: string | undefined }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const companies = useCompanies(searchable(debounced));
  const current = useCompany(value || null);
  const options = new Map<string, string>();
  if (current.data) options.set(current.data.id, current.data.name);
  for (const c of companies.data?.pages.flatMap((p) => p.items) ?? []) options.set(c.id, c.name);
  return (
    <Group align="flex-start" grow>
      <TextInput label="Find a company" description="Type two letters or more" value={q} onChange={(e) => setQ(e.currentTarget.value)} type="search" />
      <NativeSelect
        label="Company"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={error}
        data={[{ value: '', label: 'No company' }, ...[...options].map(([id, name]) => ({ value: id, label: name }))]}
      />
    </Group>
  );
}

/**
 * Create or edit a contact. Validation is the server's: its problem+json
 * names fields (`emails.0.address`, `source` …) and each message lands under
 * its own input.
 */
export function ContactForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial?: Contact;
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  onSubmit: (input: ContactInput) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(initial));
  const id = useId();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const fe = error?.fieldErrors() ?? {};
  const unplaced = error && Object.keys(fe).length === 0;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const emails = d.emails.map((m, i) => ({ address: m.address.trim(), primary: i === d.primary })).filter((m) => m.address !== '');
    if (emails.length && !emails.some((m) => m.primary)) emails[0]!.primary = true;
    onSubmit({
      firstName: d.firstName.trim(),
      lastName: d.lastName.trim(),
      emails,
      phones: d.phones.map((p) => ({ number: p.number.trim() })).filter((p) => p.number !== ''),
      jobTitle: orNull(d.jobTitle),
      companyId: d.companyId || null,
      city: orNull(d.city),
      country: orNull(d.country),
      tags: d.tags.split(',').map((t) => t.trim()).filter(Boolean),
      lawfulBasis: d.lawfulBasis as LawfulBasis,
      source: d.source.trim(),
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      <Stack>
        {error && (
          <Alert color="red" title={error.problem.title} role="alert">
            {unplaced ? error.message : 'Please correct the fields marked below.'}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="First name" value={d.firstName} onChange={(e) => set('firstName', e.currentTarget.value)} error={fe.firstName} autoComplete="off" />
          <TextInput label="Last name" value={d.lastName} onChange={(e) => set('lastName', e.currentTarget.value)} error={fe.lastName} autoComplete="off" />
        </SimpleGrid>

        <Fieldset legend="Emails">
          <Stack gap="xs">
            {d.emails.map((m, i) => (
              <Group key={m.key} align="flex-end" wrap="nowrap">
                <TextInput
                  style={{ flex: 1 }}
                  label={`Email ${i + 1}`}
                  type="email"
                  value={m.address}
                  autoComplete="off"
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    set('emails', d.emails.map((x, j) => (j === i ? { ...x, address: v } : x)));
                  }}
                  error={fe[`emails.${i}.address`] ?? fe[`emails.${i}`]}
                />
                <Radio
                  name={`${id}-primary`}
                  label="Primary"
                  aria-label={`Email ${i + 1} is the primary email`}
                  checked={d.primary === i}
                  onChange={() => set('primary', i)}
                  mb={8}
                />
                <Button
                  variant="default"
                  size="sm"
                  aria-label={`Remove email ${i + 1}`}
                  disabled={d.emails.length === 1}
                  onClick={() => {
                    setD((x) => ({ ...x, emails: x.emails.filter((_m, j) => j !== i), primary: x.primary === i ? 0 : x.primary > i ? x.primary - 1 : x.primary }));
                  }}
                >
                  Remove
                </Button>
              </Group>
            ))}
            {fe.emails && <Text c="red.8" size="sm">{fe.emails}</Text>}
            <Button variant="light" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('emails', [...d.emails, { key: key(), address: '' }])}>
              Add email
            </Button>
          </Stack>
        </Fieldset>

        <Fieldset legend="Phones">
          <Stack gap="xs">
            {d.phones.length === 0 && <Text size="sm">No phone numbers.</Text>}
            {d.phones.map((p, i) => (
              <Group key={p.key} align="flex-end" wrap="nowrap">
                <TextInput
                  style={{ flex: 1 }}
                  label={`Phone ${i + 1}`}
                  type="tel"
                  description="International format (+49 …) unless the workspace has a default country"
                  value={p.number}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    set('phones', d.phones.map((x, j) => (j === i ? { ...x, number: v } : x)));
                  }}
                  error={fe[`phones.${i}.number`]}
                />
                <Button variant="default" size="sm" aria-label={`Remove phone ${i + 1}`} onClick={() => set('phones', d.phones.filter((_x, j) => j !== i))}>
                  Remove
                </Button>
              </Group>
            ))}
            <Button variant="light" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('phones', [...d.phones, { key: key(), number: '' }])}>
              Add phone
            </Button>
          </Stack>
        </Fieldset>

        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Job title" value={d.jobTitle} onChange={(e) => set('jobTitle', e.currentTarget.value)} error={fe.jobTitle} />
          <TextInput label="Tags" description="Separate tags with commas" value={d.tags} onChange={(e) => set('tags', e.currentTarget.value)} error={fe.tags ?? fe['tags.0']} />
          <TextInput label="City" value={d.city} onChange={(e) => set('city', e.currentTarget.value)} error={fe.city} />
          <TextInput label="Country" value={d.country} onChange={(e) => set('country', e.currentTarget.value)} error={fe.country} />
        </SimpleGrid>
        <CompanyPicker value={d.companyId} onChange={(v) => set('companyId', v)} error={fe.companyId} />

        <Radio.Group
          label="Lawful basis"
          description="Why you may keep this person's data (GDPR Art. 6)"
          value={d.lawfulBasis}
          onChange={(v) => set('lawfulBasis', v as LawfulBasis)}
          error={fe.lawfulBasis}
          withAsterisk
        >
          <Stack gap="xs" mt="xs">
            {LAWFUL_BASES.map((b) => (
              <Radio key={b.value} value={b.value} label={b.label} description={b.help} />
            ))}
          </Stack>
        </Radio.Group>
        <TextInput
          label="Source"
          description="Where the data came from, e.g. “Trade fair Berlin 2025” or “Website form”"
          withAsterisk
          value={d.source}
          onChange={(e) => set('source', e.currentTarget.value)}
          error={fe.source}
        />
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
