import { Alert, Anchor, Button, FileInput, Group, NativeSelect, Paper, Progress, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { LAWFUL_BASES } from '../../crm-queries.js';
import { IMPORT_FIELDS, useImportStatus, useStartImport, type DuplicatePolicy, type ImportField } from '../../import-queries.js';
import { useFocusFirstError } from '../../focus-first-error.js';
import type { FieldSpecs } from '../../form-errors.js';
import { Link } from '../../router.js';
import { defaultField, parseCsvPreview, type CsvPreview } from './csv-preview.js';
import { reviewMapping } from './header-synonyms.js';

const FIELD_LABELS: Record<ImportField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  jobTitle: 'Job title',
  company: 'Company',
  city: 'City',
  country: 'Country',
  lawfulBasis: 'Lawful basis (overrides the one chosen below)',
  source: 'Source (overrides the one given below)',
};

const DUPLICATES: Array<{ value: DuplicatePolicy; label: string; help: string }> = [
  { value: 'skip', label: 'Skip', help: 'A row whose email or phone matches an existing contact is counted as skipped; nothing changes.' },
  { value: 'update', label: 'Update', help: "The row's non-empty fields replace the contact's; emails and phones are added, never removed." },
  { value: 'create', label: 'Create', help: 'A new contact regardless of any match.' },
];

const OPTION_FIELDS: FieldSpecs = {
  lawfulBasis: { name: 'the lawful basis', kind: 'choice' },
  source: { name: 'where these people come from' },
  duplicates: { name: 'what to do with duplicates', kind: 'choice' },
  mapping: { name: 'a field for each column you import', kind: 'choice' },
};

const STEPS = ['Upload a CSV file', 'Map the columns', 'Duplicates and lawful basis', 'Importing', 'Result'];
/** Files up to this size are counted in the browser for "processed of total". */
const COUNT_LIMIT = 20 * 1024 * 1024;
const reasons: Record<string, string> = {
  invalid_encoding: 'The file is not UTF-8. Save it as "CSV UTF-8" and try again.',
  unterminated_quote: 'A quoted field is never closed.',
  empty_file: 'The file is empty.',
  no_known_columns: 'No column feeds a contact field.',
  no_name_or_email_column: 'No column feeds a first name, a last name or an email, so the people could not be told apart.',
  internal_error: 'The import failed on the server.',
};

/** Data records after the header (a quoted field spanning lines is miscounted: an estimate). */
function countRecords(text: string): number {
  return Math.max(0, text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length - 1);
}

/** Said plainly before the import starts: what the file holds that will not be imported. */
function IgnoredColumns({ ignored, hint }: { ignored: string[]; hint: string }) {
  if (ignored.length === 0) return <Text size="sm">Every column feeds a contact field.</Text>;
  return (
    <Alert color="yellow" role="status" title={ignored.length === 1 ? '1 column will not be imported' : `${ignored.length} columns will not be imported`}>
      <Text size="sm">
        {ignored.map((h) => `“${h}”`).join(', ')}: left on Ignore, their values stay out of the contacts. {hint}
      </Text>
    </Alert>
  );
}

/** "Import contacts": upload, mapping with a preview, options, live progress, result. */
export function ImportPage() {
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [mapping, setMapping] = useState<Record<string, ImportField | ''>>({});
  const [duplicates, setDuplicates] = useState<DuplicatePolicy>('skip');
  const [lawfulBasis, setLawfulBasis] = useState('');
  const [source, setSource] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  // Asked once no column feeds a name; any change to the mapping asks again.
  const [askNoName, setAskNoName] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const start = useStartImport();
  const status = useImportStatus(importId);
  const heading = useRef<HTMLHeadingElement>(null);
  const stepRef = useRef<HTMLDivElement>(null);

  // Each step moves the focus to its heading, so a keyboard or screen reader user starts there.
  useEffect(() => {
    heading.current?.focus();
  }, [step]);

  const s = status.data;
  useEffect(() => {
    if (step === 3 && s && (s.status === 'done' || s.status === 'failed')) setStep(4);
  }, [step, s]);

  const readFile = async () => {
    setFileError(null);
    if (!file) {
      setFileError('Choose a CSV file.');
      return;
    }
    const head = await file.slice(0, 256 * 1024).text();
    const p = parseCsvPreview(head);
    if (p.header.length === 0 || p.header.every((h) => h === '')) {
      setFileError('The file has no header line.');
      return;
    }
    setPreview(p);
    setMapping(Object.fromEntries(p.header.filter((h) => h !== '').map((h) => [h, defaultField(h) ?? ''])));
    setTotal(file.size <= COUNT_LIMIT ? countRecords(await file.text()) : null);
    setStep(1);
  };

  const review = reviewMapping(mapping);
  const mappingErrorRef = useRef<HTMLParagraphElement>(null);
  useFocusFirstError(stepRef, step === 2 && localErrors, start.error);
  useEffect(() => {
    if (localErrors.mapping) mappingErrorRef.current?.focus();
  }, [localErrors]);

  const toOptions = (withoutNames = false) => {
    if (!Object.values(mapping).some((f) => f !== '')) {
      setLocalErrors({ mapping: 'Map at least one column to a contact field.' });
      return;
    }
    if (!review.hasName && !review.hasEmail) {
      setLocalErrors({ mapping: 'Map a column to the first name, the last name or the email: without one of them the contacts cannot be told apart.' });
      return;
    }
    setLocalErrors({});
    if (!review.hasName && !withoutNames) {
      setAskNoName(true);
      return;
    }
    setAskNoName(false);
    setStep(2);
  };

  useEffect(() => {
    if (askNoName) confirmRef.current?.focus();
  }, [askNoName]);

  const submit = () => {
    const errs: Record<string, string> = {};
    if (!lawfulBasis) errs.lawfulBasis = 'Choose the lawful basis.';
    if (!source.trim()) errs.source = 'Enter where these people come from.';
    setLocalErrors(errs);
    if (Object.keys(errs).length > 0 || !file) return;
    const chosen = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f !== '')) as Record<string, ImportField>;
    start.mutate(
      { file, mapping: chosen, lawfulBasis, source: source.trim(), duplicates },
      {
        onSuccess: (r) => {
          setImportId(r.id);
          setStep(3);
        },
      },
    );
  };

  const serverErrors = start.error?.fieldErrors(OPTION_FIELDS) ?? {};
  const fe = { ...serverErrors, ...localErrors };
  // Problems this step has no field for (the mapping, the file) are shown in the alert, not lost.
  const onThisStep = new Set(['lawfulBasis', 'source', 'duplicates']);
  const generalError = start.error && Object.keys(serverErrors).every((k) => !onThisStep.has(k)) ? start.error : null;

  return (
    <Stack>
      <Title order={1}>Import contacts</Title>
      <Text size="sm">
        <Link to="/contacts">Back to contacts</Link>
      </Text>
      <Paper withBorder p="md" component="section" aria-labelledby="import-step-title">
        <Title order={2} size="h4" id="import-step-title" mb="sm" ref={heading} tabIndex={-1}>
          Step {step + 1} of {STEPS.length}: {STEPS[step]}
        </Title>

        {step === 0 && (
          <Stack>
            <Text size="sm">
              A UTF-8 CSV file whose first line names the columns. The first rows are read here, in your browser, for the preview; the file is sent only when you start the import.
            </Text>
            <FileInput label="CSV file" accept=".csv,text/csv,text/plain" value={file} onChange={setFile} error={fileError} clearable withAsterisk />
            <Group>
              <Button onClick={() => void readFile()}>Next</Button>
            </Group>
          </Stack>
        )}

        {step === 1 && preview && (
          <Stack>
            <Text size="sm">
              Choose the contact field each column feeds, or ignore it. Separator detected: {preview.delimiter === '\t' ? 'tab' : preview.delimiter === ';' ? 'semicolon' : 'comma'}.
            </Text>
            <Stack gap="xs">
              {Object.keys(mapping).map((h, i) => (
                <NativeSelect
                  key={h}
                  id={`map-${i}`}
                  label={`Column “${h}”`}
                  value={mapping[h]}
                  onChange={(e) => {
                    // Read now: the event's target is gone by the time the updater runs.
                    const v = e.currentTarget.value as ImportField | '';
                    setAskNoName(false);
                    setMapping((m) => ({ ...m, [h]: v }));
                  }}
                  data={[{ value: '', label: 'Ignore' }, ...IMPORT_FIELDS.map((f) => ({ value: f, label: FIELD_LABELS[f] }))]}
                />
              ))}
            </Stack>
            <IgnoredColumns ignored={review.ignored} hint="Choose a field for a column above to import it." />
            {fe.mapping && (
              <Text c="red.8" size="sm" role="alert" tabIndex={-1} ref={mappingErrorRef}>
                {fe.mapping}
              </Text>
            )}
            {askNoName && (
              <Alert color="orange" title="No column feeds a name" role="alert" ref={confirmRef} tabIndex={-1}>
                <Stack gap="xs">
                  <Text size="sm">
                    No column is mapped to the first name or the last name, so every contact of this file will have no name; they can be found by their email only. If the file has a name column, choose First name or Last name for it above.
                  </Text>
                  <Group>
                    <Button size="xs" onClick={() => toOptions(true)}>
                      Import without names
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => {
                        setAskNoName(false);
                        document.getElementById('map-0')?.focus();
                      }}
                    >
                      Map a name column
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            <Table.ScrollContainer minWidth={400}>
              <Table withTableBorder captionSide="top">
                <Table.Caption>The first {preview.rows.length} rows of the file</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    {preview.header.map((h, i) => (
                      <Table.Th key={i} scope="col">
                        {h || '(no name)'}
                        <Text size="xs" fw={400} component="span" display="block">
                          {mapping[h] ? `→ ${FIELD_LABELS[mapping[h]]}` : 'ignored'}
                        </Text>
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.rows.map((r, ri) => (
                    <Table.Tr key={ri}>
                      {preview.header.map((_h, ci) => (
                        <Table.Td key={ci}>{r[ci] ?? ''}</Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group>
              <Button variant="default" onClick={() => setStep(0)}>
                Back
              </Button>
              <Button onClick={() => toOptions()}>Next</Button>
            </Group>
          </Stack>
        )}

        {step === 2 && (
          <Stack ref={stepRef}>
            <Radio.Group label="Duplicates" description="A row matches an existing contact on its email, then its phone." value={duplicates} onChange={(v) => setDuplicates(v === 'update' || v === 'create' ? v : 'skip')} error={fe.duplicates}>
              <Stack gap="xs" mt="xs">
                {DUPLICATES.map((d) => (
                  <Radio key={d.value} value={d.value} label={d.label} description={d.help} />
                ))}
              </Stack>
            </Radio.Group>
            <Radio.Group label="Lawful basis" description="Why you may keep these people's data (GDPR Art. 6)" value={lawfulBasis} onChange={setLawfulBasis} error={fe.lawfulBasis} withAsterisk>
              <Stack gap="xs" mt="xs">
                {LAWFUL_BASES.map((b) => (
                  <Radio key={b.value} value={b.value} label={b.label} description={b.help} />
                ))}
              </Stack>
            </Radio.Group>
            <TextInput label="Source" description="Where these people come from, e.g. “trade fair 2026”" value={source} onChange={(e) => setSource(e.currentTarget.value)} error={fe.source} maxLength={500} withAsterisk />
            <IgnoredColumns ignored={review.ignored} hint="Go back to the mapping to import one." />
            {!review.hasName && <Text size="sm">No column feeds a name: the contacts will have none.</Text>}
            {generalError && (
              <Alert color="red" title={generalError.problem.title} role="alert">
                {generalError.message}
                {Object.entries(serverErrors).map(([k, m]) => (
                  <Text key={k} size="sm">
                    {k}: {m}
                  </Text>
                ))}
              </Alert>
            )}
            <Group>
              <Button variant="default" onClick={() => setStep(1)}>
                Back
              </Button>
              <Button onClick={submit} loading={start.isPending}>
                Start the import
              </Button>
            </Group>
          </Stack>
        )}

        {step === 3 && (
          <Stack>
            <Progress
              value={s && total ? Math.min(100, (s.processed / total) * 100) : 100}
              animated={!(s && total)}
              striped={!(s && total)}
              aria-label="Import progress"
            />
            <Text size="sm" role="status">
              {!s || s.status === 'queued' ? 'Waiting to start…' : total ? `${s.processed.toLocaleString('en')} of ${total.toLocaleString('en')} rows processed` : `${s.processed.toLocaleString('en')} rows processed`}
            </Text>
            {status.error && (
              <Alert color="red" title={status.error.problem.title} role="alert">
                {status.error.message}
              </Alert>
            )}
          </Stack>
        )}

        {step === 4 && s && (
          <Stack>
            {s.status === 'failed' ? (
              <Alert color="red" title="The import failed" role="alert">
                {reasons[s.error ?? ''] ?? s.error}
              </Alert>
            ) : (
              <Alert color="green" title="Import finished" role="status">
                {s.processed.toLocaleString('en')} rows processed.
              </Alert>
            )}
            <Table withTableBorder maw={360}>
              <Table.Caption>Outcome</Table.Caption>
              <Table.Tbody>
                {(['created', 'updated', 'skipped', 'rejected'] as const).map((k) => (
                  <Table.Tr key={k}>
                    <Table.Th scope="row">{k[0]!.toUpperCase() + k.slice(1)}</Table.Th>
                    <Table.Td data-testid={`import-${k}`}>{s[k].toLocaleString('en')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {s.rejected > 0 && (
              <Text size="sm">
                Rejected rows are listed by line, column and reason (never their values):{' '}
                <Anchor href={s.errorsUrl} download={`import-errors.csv`}>
                  Download the error file
                </Anchor>
              </Text>
            )}
            <Group>
              <Link to="/contacts">Go to the contacts</Link>
            </Group>
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}
