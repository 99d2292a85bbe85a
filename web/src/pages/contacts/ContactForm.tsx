import { Alert, Button, Fieldset, Group, Radio, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useId, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../api.js';
import { LAWFUL_BASES, type Address, type Contact, type ContactInput, type LawfulBasis } from '../../crm-queries.js';
import { useCustomFields, type CustomFieldDef } from '../../custom-fields-queries.js';
import { useFocusFirstError } from '../../focus-first-error.js';
import type { FieldSpecs } from '../../form-errors.js';
import { CompanyPicker } from './CompanyPicker.js';
import { CustomFieldInputs, draftOfValue, valueOfDraft, type CustomDrafts } from './CustomFieldInputs.js';

interface Draft {
  firstName: string;
  lastName: string;
  emails: Array<{ key: number; address: string }>;
  primary: number;
  phones: Array<{ key: number; number: string }>;
  jobTitle: string;
  seniority: string;
  companyId: string;
  website: string;
  linkedinUrl: string;
  bio: string;
  city: string;
  country: string;
  address: Record<keyof Address, string>;
  tags: string;
  lawfulBasis: LawfulBasis | '';
  source: string;
}

/** What the form calls each field, for the server's messages in plain words. */
const CONTACT_FIELDS: FieldSpecs = {
  firstName: { name: 'a first name' },
  lastName: { name: 'a last name' },
  emails: { name: 'an email address', kind: 'email' },
  'emails.*.address': { name: 'an email address', kind: 'email' },
  'phones.*.number': { name: 'a phone number' },
  jobTitle: { name: 'a job title' },
  seniority: { name: 'a seniority' },
  companyId: { name: 'a company', kind: 'choice' },
  website: { name: 'a website', kind: 'url' },
  linkedinUrl: { name: 'a LinkedIn address', kind: 'url' },
  city: { name: 'a city' },
  country: { name: 'a country' },
  tags: { name: 'tags' },
  'tags.*': { name: 'a tag' },
  address: { name: 'an address' },
  bio: { name: 'a bio' },
  lawfulBasis: { name: 'a lawful basis', kind: 'choice' },
  source: { name: 'where the data came from (the source)' },
};

let nextKey = 1;
const key = () => nextKey++;

const ADDRESS_FIELDS: ReadonlyArray<{ key: keyof Address; label: string }> = [
  { key: 'street', label: 'Street' },
  { key: 'postalCode', label: 'Postal code' },
  { key: 'city', label: 'Address city' },
  { key: 'region', label: 'Region' },
  { key: 'country', label: 'Address country' },
];

const str = (v: string | null | undefined) => v ?? '';

function draftOf(c?: Contact): Draft {
  const a = c?.address ?? null;
  return {
    firstName: str(c?.firstName),
    lastName: str(c?.lastName),
    emails: c?.emails.length ? c.emails.map((e) => ({ key: key(), address: e.address })) : [{ key: key(), address: '' }],
    primary: c ? Math.max(0, c.emails.findIndex((e) => e.primary)) : 0,
    phones: (c?.phones ?? []).map((p) => ({ key: key(), number: p.number })),
    jobTitle: str(c?.jobTitle),
    seniority: str(c?.seniority),
    companyId: str(c?.companyId),
    website: str(c?.website),
    linkedinUrl: str(c?.linkedinUrl),
    bio: str(c?.bio),
    city: str(c?.city),
    country: str(c?.country),
    address: { street: str(a?.street), postalCode: str(a?.postalCode), city: str(a?.city), region: str(a?.region), country: str(a?.country) },
    tags: (c?.tags ?? []).join(', '),
    lawfulBasis: c?.lawfulBasis ?? '',
    source: str(c?.source),
  };
}

function addressOf(d: Draft['address']): Address | null {
  const out = { street: orNull(d.street), postalCode: orNull(d.postalCode), city: orNull(d.city), region: orNull(d.region), country: orNull(d.country) };
  return Object.values(out).some((v) => v !== null) ? out : null;
}

/**
 * The custom field values to send. A new contact sends what is filled in; a
 * change sends only the keys whose value changed (null clears one), so values
 * this form cannot show (special-category ones hidden from the role) stay.
 */
function customFieldsOf(defs: readonly CustomFieldDef[], drafts: CustomDrafts, initial: Contact | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    if (def.archivedAt !== null || !(def.key in drafts)) continue;
    const value = valueOfDraft(def, drafts[def.key]);
    if (!initial) {
      if (value !== null) out[def.key] = value;
      continue;
    }
    const before = valueOfDraft(def, draftOfValue(def, initial.customFields[def.key]));
    if (JSON.stringify(value) !== JSON.stringify(before)) out[def.key] = value;
  }
  return out;
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/**
 * Create or edit a contact. Validation is the server's: its problem+json
 * names fields (`emails.0.address`, `source` …) and each message lands under
 * its own input.
 */
export function ContactForm({
  initial,
  canReadSpecial = true,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial?: Contact;
  /** Whether the stored special-category values were shown to this member (else their inputs start empty). */
  canReadSpecial?: boolean;
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  onSubmit: (input: ContactInput) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(initial));
  const defs = useCustomFields();
  const [custom, setCustom] = useState<CustomDrafts>({});
  const customDrafts: CustomDrafts = {};
  for (const def of defs.data ?? []) customDrafts[def.key] = custom[def.key] ?? draftOfValue(def, initial?.customFields[def.key]);
  const id = useId();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const fe = error?.fieldErrors(CONTACT_FIELDS) ?? {};
  const unplaced = error && Object.keys(fe).length === 0;
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const emails = d.emails.map((m, i) => ({ address: m.address.trim(), primary: i === d.primary })).filter((m) => m.address !== '');
    if (emails.length && !emails.some((m) => m.primary)) emails[0]!.primary = true;
    const customFields = customFieldsOf(defs.data ?? [], customDrafts, initial);
    onSubmit({
      firstName: d.firstName.trim(),
      lastName: d.lastName.trim(),
      emails,
      phones: d.phones.map((p) => ({ number: p.number.trim() })).filter((p) => p.number !== ''),
      jobTitle: orNull(d.jobTitle),
      seniority: orNull(d.seniority),
      companyId: d.companyId || null,
      website: orNull(d.website),
      linkedinUrl: orNull(d.linkedinUrl),
      bio: d.bio.trim() === '' ? null : d.bio,
      city: orNull(d.city),
      country: orNull(d.country),
      address: addressOf(d.address),
      // A change without custom field edits leaves them out (the audit would name them otherwise).
      ...(initial && Object.keys(customFields).length === 0 ? {} : { customFields }),
      tags: d.tags.split(',').map((t) => t.trim()).filter(Boolean),
      lawfulBasis: d.lawfulBasis as LawfulBasis,
      source: d.source.trim(),
    });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={submitLabel}>
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
          <TextInput label="Seniority" description="e.g. Junior, Senior, Director" value={d.seniority} onChange={(e) => set('seniority', e.currentTarget.value)} error={fe.seniority} />
          <TextInput label="Website" type="url" description="https://…" value={d.website} onChange={(e) => set('website', e.currentTarget.value)} error={fe.website} />
          <TextInput label="LinkedIn URL" type="url" description="https://www.linkedin.com/in/…" value={d.linkedinUrl} onChange={(e) => set('linkedinUrl', e.currentTarget.value)} error={fe.linkedinUrl} />
          <TextInput label="City" description="Where the person is based" value={d.city} onChange={(e) => set('city', e.currentTarget.value)} error={fe.city} />
          <TextInput label="Country" description="Segments filter on it" value={d.country} onChange={(e) => set('country', e.currentTarget.value)} error={fe.country} />
          <TextInput label="Tags" description="Separate tags with commas" value={d.tags} onChange={(e) => set('tags', e.currentTarget.value)} error={fe.tags ?? fe['tags.0']} />
        </SimpleGrid>
        <CompanyPicker value={d.companyId} onChange={(v) => set('companyId', v)} error={fe.companyId} />

        <Fieldset legend="Postal address">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {ADDRESS_FIELDS.map((f) => (
              <TextInput
                key={f.key}
                label={f.label}
                value={d.address[f.key]}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setD((x) => ({ ...x, address: { ...x.address, [f.key]: v } }));
                }}
                error={fe[`address.${f.key}`]}
              />
            ))}
          </SimpleGrid>
          {fe.address && <Text c="red.8" size="sm">{fe.address}</Text>}
        </Fieldset>
        <Textarea label="Bio" autosize minRows={2} maxRows={10} value={d.bio} onChange={(e) => set('bio', e.currentTarget.value)} error={fe.bio} />
        <CustomFieldInputs
          defs={defs.data ?? []}
          loading={defs.isPending}
          failed={defs.isError}
          values={customDrafts}
          onChange={(k, v) => setCustom((x) => ({ ...x, [k]: v }))}
          errors={fe}
          canReadSpecial={canReadSpecial}
        />

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
