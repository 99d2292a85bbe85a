import { Code } from '@mantine/core';
import type { ApiItem } from '../../../api-schema.js';
import type { Me } from '../../../identity-queries.js';
import { useMemberDirectory } from '../../../member-names.js';
import { ERASED, RelatedList, when } from './RelatedList.js';

type TimelineItem = ApiItem<'/api/v1/contacts/{id}/timeline'>;

const KINDS: Record<TimelineItem['kind'], string> = { note: 'Note', task: 'Task', deal: 'Deal', change: 'Change' };

/** Notes, tasks, deals and record changes, newest first (one audited read of the person). */
export function TimelineTab({ contactId, me, active }: { contactId: string; me: Me; active: boolean }) {
  const members = useMemberDirectory(me);
  return (
    <RelatedList<TimelineItem>
      name="Timeline events"
      path={`/api/v1/contacts/${encodeURIComponent(contactId)}/timeline`}
      enabled={active}
      columns={[
        { label: 'When', render: (r) => when(r.at) },
        { label: 'What', render: (r) => (r.kind === 'change' ? <Code>{r.detail}</Code> : KINDS[r.kind]) },
        { label: 'Details', render: (r) => (r.kind === 'change' ? '—' : r.text === null ? ERASED : <span style={{ whiteSpace: 'pre-wrap' }}>{r.text}</span>) },
        { label: 'Who', render: (r) => members.label(r.actorId) },
      ]}
    />
  );
}
