import { Alert, Button, Group, Loader, Modal, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ContactPicker } from '../../components/ContactPicker.js';
import { LAWFUL_BASES, fullName, useCompanyNames, useContact, type Contact } from '../../crm-queries.js';
import { MERGE_FIELDS, useMergeContacts, type MergeField } from '../../deals-queries.js';
import type { Me } from '../../identity-queries.js';
import { useMemberDirectory } from '../../member-names.js';
import { navigate } from '../../router.js';

const LABELS: Record<MergeField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  emails: 'Emails',
  phones: 'Phones',
  jobTitle: 'Job title',
  seniority: 'Seniority',
  companyId: 'Company',
  ownerId: 'Owner',
  address: 'Address',
  bio: 'Bio',
  website: 'Website',
  linkedinUrl: 'LinkedIn',
  country: 'Country',
  city: 'City',
  ip: 'IP address',
  tags: 'Tags',
  customFields: 'Custom fields',
  lawfulBasis: 'Lawful basis',
  source: 'Source',
};

/** Lists combine by default; other fields keep this contact's value unless it is empty. */
const COMBINED = new Set<MergeField>(['emails', 'phones', 'tags', 'customFields']);

function scalar(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Names for the ids a contact refers to. */
interface Names {
  owner: (id: string | null) => string;
  company: (id: string | null) => string;
}

function show(field: MergeField, c: Contact, names: Names): string {
  switch (field) {
    case 'emails':
      return c.emails.map((e) => e.address).join(', ') || '—';
    case 'phones':
      return c.phones.map((p) => p.number).join(', ') || '—';
    case 'tags':
      return c.tags.join(', ') || '—';
    case 'lawfulBasis':
      return LAWFUL_BASES.find((b) => b.value === c.lawfulBasis)?.label ?? c.lawfulBasis;
    case 'address':
      return c.address ? Object.values(c.address).filter(Boolean).join(', ') || '—' : '—';
    case 'customFields': {
      const entries = Object.entries(c.customFields);
      return entries.length === 0 ? '—' : entries.map(([k, x]) => `${k}: ${scalar(x)}`).join('; ');
    }
    case 'companyId':
      return names.company(c.companyId);
    case 'ownerId':
      return names.owner(c.ownerId);
    case 'bio':
    case 'city':
    case 'country':
    case 'firstName':
    case 'ip':
    case 'jobTitle':
    case 'lastName':
    case 'linkedinUrl':
    case 'seniority':
    case 'source':
    case 'website':
      return scalar((c as unknown as Record<string, unknown>)[field]);
  }
}

function Comparison({ keep, other, me, choices, onChoice }: { keep: Contact; other: Contact; me: Me; choices: Partial<Record<MergeField, 'keep' | 'merge'>>; onChoice: (f: MergeField, v: '' | 'keep' | 'merge') => void }) {
  const fields = MERGE_FIELDS.filter((f) => f in keep || f in other);
  const members = useMemberDirectory(me);
  const companies = useCompanyNames([keep.companyId, other.companyId]);
  const names: Names = { owner: members.label, company: (id) => (id ? (companies.get(id) ?? `${id.slice(0, 8)}…`) : '—') };
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped>
        <Table.Caption>Choose, field by field, which value the kept contact ends up with.</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Field</Table.Th>
            <Table.Th scope="col">This contact (kept)</Table.Th>
            <Table.Th scope="col">Duplicate (erased)</Table.Th>
            <Table.Th scope="col">Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {fields.map((f) => {
            const a = show(f, keep, names);
            const b = show(f, other, names);
            return (
              <Table.Tr key={f}>
                <Table.Th scope="row">{LABELS[f]}</Table.Th>
                <Table.Td>{a}</Table.Td>
                <Table.Td>{b}</Table.Td>
                <Table.Td>
                  <NativeSelect
                    size="xs"
                    aria-label={`${LABELS[f]}: which value to keep`}
                    value={choices[f] ?? ''}
                    onChange={(e) => onChoice(f, e.currentTarget.value as '' | 'keep' | 'merge')}
                    data={[
                      { value: '', label: COMBINED.has(f) ? 'Combine both' : 'This one (the other if empty)' },
                      { value: 'keep', label: "Keep this contact's" },
                      { value: 'merge', label: "Take the duplicate's" },
                    ]}
                  />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function OtherContact({ id, keep, me, choices, onChoice }: { id: string; keep: Contact; me: Me; choices: Partial<Record<MergeField, 'keep' | 'merge'>>; onChoice: (f: MergeField, v: '' | 'keep' | 'merge') => void }) {
  const other = useContact(id);
  if (other.isPending) return <Loader size="sm" aria-label="Loading the duplicate" />;
  if (other.error)
    return (
      <Alert color="red" title={other.error.problem.title} role="alert">
        {other.error.message}
      </Alert>
    );
  return <Comparison keep={keep} other={other.data} me={me} choices={choices} onChoice={onChoice} />;
}

export function MergeDialog({ c, me, opened, onClose }: { c: Contact; me: Me; opened: boolean; onClose: () => void }) {
  const [otherId, setOtherId] = useState('');
  const [choices, setChoices] = useState<Partial<Record<MergeField, 'keep' | 'merge'>>>({});
  const merge = useMergeContacts();
  const onChoice = (f: MergeField, v: '' | 'keep' | 'merge') =>
    setChoices((prev) => {
      const next = { ...prev };
      if (v) next[f] = v;
      else delete next[f];
      return next;
    });

  return (
    <Modal opened={opened} onClose={onClose} title={`Merge a duplicate into ${fullName(c)}`} size="xl" centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Text>
          Pick the other record of the same person. {fullName(c)} is kept; the duplicate's notes, tasks and deals move over to it, and the duplicate itself is{' '}
          <strong>erased for good</strong>: its key is destroyed and it cannot be restored.
        </Text>
        <ContactPicker
          label="Duplicate contact"
          noneLabel="— Choose the duplicate —"
          value={otherId}
          exclude={c.id}
          initialSearch={`${c.firstName} ${c.lastName}`.trim()}
          onChange={(id) => {
            setOtherId(id);
            setChoices({});
            merge.reset();
          }}
        />
        {otherId && <OtherContact id={otherId} keep={c} me={me} choices={choices} onChoice={onChoice} />}
        {merge.error && (
          <Alert color="red" title={merge.error.problem.title} role="alert">
            {merge.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red.8"
            disabled={!otherId}
            loading={merge.isPending}
            onClick={() =>
              merge.mutate(
                { keepId: c.id, mergeId: otherId, choices },
                {
                  onSuccess: (kept) => {
                    onClose();
                    navigate(`/contacts/${kept.id}`);
                  },
                },
              )
            }
          >
            Merge and erase the duplicate
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
