import { Anchor, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { DetailField as Field } from '../../components/DetailField.js';
import { LAWFUL_BASES, useCompany, type Address, type Contact } from '../../crm-queries.js';
import { formatCustomValue, useCustomFields } from '../../custom-fields-queries.js';
import { formatTime, safeHref } from '../../format.js';
import type { Me } from '../../identity-queries.js';
import { useMemberDirectory } from '../../member-names.js';
import { Link } from '../../router.js';

const block = { display: 'block' } as const;

function addressLines(a: Address | null): string[] {
  if (!a) return [];
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.street, cityLine, a.region, a.country].filter((l): l is string => Boolean(l));
}

function WebLink({ url }: { url: string | null }) {
  if (!url) return '—';
  const href = safeHref(url);
  return href ? (
    <Anchor href={href} target="_blank" rel="noreferrer noopener">
      {url}
    </Anchor>
  ) : (
    url
  );
}

/** The custom fields that hold a value; special-category ones only reach roles that may read them. */
function CustomFieldValues({ c, me }: { c: Contact; me: Me }) {
  const defs = useCustomFields();
  const byKey = new Map((defs.data ?? []).map((d) => [d.key, d]));
  const entries = Object.entries(c.customFields).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
  const hidden = !me.permissions.includes('special_category:read') && (defs.data ?? []).some((d) => d.dataCategory === 'special_category');
  if (entries.length === 0 && !hidden) return null;
  return (
    <Stack gap="xs" mt="md">
      <Title order={3} size="h5">
        Custom fields
      </Title>
      {entries.length === 0 ? (
        <Text size="sm">No custom field values.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} component="dl" spacing="md" m={0}>
          {entries.map(([key, value]) => {
            const def = byKey.get(key);
            return (
              <Field key={key} label={def ? `${def.label}${def.archivedAt ? ' (archived)' : ''}` : key}>
                {def?.type === 'url' && typeof value === 'string' ? <WebLink url={value} /> : formatCustomValue(def, value)}
              </Field>
            );
          })}
        </SimpleGrid>
      )}
      {hidden && <Text size="sm">Special-category fields (GDPR Art. 9) are not shown to your role.</Text>}
    </Stack>
  );
}

export function ContactDetails({ c, me }: { c: Contact; me: Me }) {
  const company = useCompany(c.companyId);
  const members = useMemberDirectory(me);
  const basis = LAWFUL_BASES.find((b) => b.value === c.lawfulBasis);
  const address = addressLines(c.address);
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} component="dl" spacing="md" m={0}>
        <Field label="Emails">
          {c.emails.length === 0
            ? '—'
            : c.emails.map((e) => (
                <span key={e.address} style={block}>
                  <a href={`mailto:${e.address}`}>{e.address}</a>
                  {e.primary && c.emails.length > 1 ? ' (primary)' : ''}
                </span>
              ))}
        </Field>
        <Field label="Phones">{c.phones.length === 0 ? '—' : c.phones.map((p) => <span key={p.number} style={block}>{p.number}</span>)}</Field>
        <Field label="Job title">{c.jobTitle ?? '—'}</Field>
        <Field label="Seniority">{c.seniority ?? '—'}</Field>
        <Field label="Company">{c.companyId ? <Link to={`/companies/${c.companyId}`}>{company.data?.name ?? 'Company'}</Link> : '—'}</Field>
        <Field label="Website">
          <WebLink url={c.website} />
        </Field>
        <Field label="LinkedIn">
          <WebLink url={c.linkedinUrl} />
        </Field>
        <Field label="City">{c.city ?? '—'}</Field>
        <Field label="Country">{c.country ?? '—'}</Field>
        <Field label="Postal address">{address.length === 0 ? '—' : address.map((l, i) => <span key={i} style={block}>{l}</span>)}</Field>
        <Field label="Lawful basis">{basis?.label ?? c.lawfulBasis}</Field>
        <Field label="Source">{c.source}</Field>
        <Field label="Owner">{members.label(c.ownerId)}</Field>
        <Field label="Created">
          <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
        </Field>
        <Field label="Updated">
          <time dateTime={c.updatedAt}>{formatTime(c.updatedAt)}</time>
        </Field>
      </SimpleGrid>
      {c.bio && (
        <dl style={{ margin: 'var(--mantine-spacing-md) 0 0' }}>
          <Field label="Bio">
            <span style={{ whiteSpace: 'pre-wrap' }}>{c.bio}</span>
          </Field>
        </dl>
      )}
      <CustomFieldValues c={c} me={me} />
    </>
  );
}
