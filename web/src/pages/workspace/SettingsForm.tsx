import { Alert, Button, Fieldset, NumberInput, Paper, Radio, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useFocusFirstError } from '../../focus-first-error.js';
import type { FieldSpecs } from '../../form-errors.js';
import { useSaveWorkspaceSettings, type WorkspaceSettings } from './queries.js';

/** The form's own state: text fields as typed, so an emptied field can be sent as null. */
interface Draft {
  name: string;
  slug: string;
  region: string;
  dpoName: string;
  dpoEmail: string;
  require2faForAll: boolean;
  readBudgetPerHour: string | number;
  salesVisibility: 'all' | 'own';
}

function draftOf(s: WorkspaceSettings): Draft {
  return {
    name: s.name,
    slug: s.slug,
    region: s.region ?? '',
    dpoName: s.dpoName ?? '',
    dpoEmail: s.dpoEmail ?? '',
    require2faForAll: s.require2faForAll,
    readBudgetPerHour: s.readBudgetPerHour,
    salesVisibility: s.recordVisibility.sales,
  };
}

const SPECS: FieldSpecs = {
  name: { name: 'a workspace name' },
  slug: { name: 'a workspace address of lowercase letters, digits and hyphens' },
  region: { name: 'a region code such as eu-central' },
  dpoName: { name: 'the DPO\'s name' },
  dpoEmail: { name: 'the DPO\'s email address', kind: 'email' },
  readBudgetPerHour: { name: 'a read budget', kind: 'number' },
  recordVisibility: { name: 'which records sales members see', kind: 'choice' },
  'recordVisibility.sales': { name: 'which records sales members see', kind: 'choice' },
};

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
const MAX_BUDGET = 1_000_000;

/**
 * Every field is sent on save; the server diffs and audits only what changed.
 * Validation is the server's (noValidate): its problem+json names the fields.
 */
export function SettingsForm({ initial }: { initial: WorkspaceSettings }) {
  const save = useSaveWorkspaceSettings();
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, local, budgetError, save.error);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const budget = typeof draft.readBudgetPerHour === 'number' ? draft.readBudgetPerHour : Number.NaN;
    // JSON has no NaN: an empty box would reach the server as null and come back as a type error.
    if (!Number.isInteger(budget) || budget < 1 || budget > MAX_BUDGET) {
      setBudgetError(`Enter a whole number from 1 to ${MAX_BUDGET.toLocaleString('en')}.`);
      return;
    }
    setBudgetError(null);
    const missing: Record<string, string> = {};
    if (draft.name.trim() === '') missing.name = 'Enter a workspace name.';
    if (draft.slug.trim() === '') missing.slug = 'Enter the workspace address (slug).';
    setLocal(missing);
    if (Object.keys(missing).length > 0) return;
    save.mutate(
      {
        name: draft.name.trim(),
        slug: draft.slug.trim(),
        region: orNull(draft.region),
        dpoName: orNull(draft.dpoName),
        dpoEmail: orNull(draft.dpoEmail),
        require2faForAll: draft.require2faForAll,
        readBudgetPerHour: budget,
        recordVisibility: { sales: draft.salesVisibility },
      },
      {
        onSuccess: (s) => {
          setDraft(draftOf(s));
          setSaved(true);
        },
      },
    );
  };

  const fields = { ...(save.error?.fieldErrors(SPECS) ?? {}), ...local };
  // A taken slug is a 409 without field errors; it still belongs next to the slug.
  if (save.error?.code === 'slug-taken') fields.slug ??= save.error.message;
  const unplaced = save.error && Object.keys(fields).length === 0;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="settings-title">
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="settings-title">
        <Stack>
          <Title order={2} size="h4" id="settings-title">
            Settings
          </Title>
          {saved && !save.error && (
            <Alert color="green" title="Settings saved" role="status">
              The workspace settings are changed and recorded in the audit trail.
            </Alert>
          )}
          {save.error && (
            <Alert color="red" title={save.error.problem.title} role="alert" tabIndex={-1}>
              {unplaced ? save.error.message : 'Some fields need attention; see the messages below them.'}
            </Alert>
          )}

          <TextInput label="Workspace name" required value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} error={fields.name} />
          <TextInput
            label="Workspace address (slug)"
            description="Members type it to sign in, and it is part of your public pages' addresses: changing it changes those links."
            required
            autoCapitalize="none"
            spellCheck={false}
            value={draft.slug}
            onChange={(e) => set('slug', e.currentTarget.value)}
            error={fields.slug}
          />
          <TextInput
            label="Data storage region"
            description="Where this installation keeps the data, as a short code such as eu or eu-central. Leave empty if not stated."
            autoCapitalize="none"
            spellCheck={false}
            value={draft.region}
            onChange={(e) => set('region', e.currentTarget.value)}
            error={fields.region}
          />

          <Fieldset legend="Data protection officer">
            <Stack>
              <Text size="sm" c="gray.8" id="dpo-public">
                The DPO&apos;s name and contact email are shown on your public pages (forms, privacy requests, unsubscribe), so people
                know whom to ask about their data.
              </Text>
              <TextInput label="DPO name" aria-describedby="dpo-public" value={draft.dpoName} onChange={(e) => set('dpoName', e.currentTarget.value)} error={fields.dpoName} />
              <TextInput
                label="DPO contact email"
                type="email"
                aria-describedby="dpo-public"
                value={draft.dpoEmail}
                onChange={(e) => set('dpoEmail', e.currentTarget.value)}
                error={fields.dpoEmail}
              />
            </Stack>
          </Fieldset>

          <Fieldset legend="Security">
            <Stack>
              <Switch
                label="Require 2FA for everyone"
                description="Every member, whatever their role, sets up two-factor authentication at their next sign-in. Owners, admins and the DPO always need it."
                checked={draft.require2faForAll}
                onChange={(e) => set('require2faForAll', e.currentTarget.checked)}
                error={fields.require2faForAll}
              />
              <NumberInput
                label="Read budget per hour"
                description="How many different people one member may open in an hour before owners and the DPO are alerted."
                min={1}
                max={MAX_BUDGET}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=","
                required
                value={draft.readBudgetPerHour}
                onChange={(v) => set('readBudgetPerHour', v)}
                error={budgetError ?? fields.readBudgetPerHour}
              />
              <Radio.Group
                label="Records sales members see"
                value={draft.salesVisibility}
                onChange={(v) => set('salesVisibility', v === 'own' ? 'own' : 'all')}
                error={fields['recordVisibility.sales'] ?? fields.recordVisibility}
              >
                <Stack gap="xs" mt="xs">
                  <Radio value="all" label="All records in the workspace" />
                  <Radio value="own" label="Only the records they own" />
                </Stack>
              </Radio.Group>
            </Stack>
          </Fieldset>

          <Button type="submit" loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
            Save settings
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
