import { NativeSelect } from '@mantine/core';
import type { Me } from '../../../identity-queries.js';
import { useMemberDirectory } from '../../../member-names.js';

/**
 * Who a task is for. Roles that may list members pick anyone by email; the
 * others can pick themselves, or keep the assignee a task already has.
 */
export function AssigneeSelect({ me, value, onChange, error }: { me: Me; value: string; onChange: (id: string) => void; error?: string | undefined }) {
  const dir = useMemberDirectory(me);
  const ids = new Set<string>([me.id, ...dir.members.map((m) => m.id)]);
  if (value) ids.add(value);
  const options = [...ids]
    .map((id) => ({ value: id, label: dir.label(id) }))
    .sort((a, b) => (a.value === me.id ? -1 : b.value === me.id ? 1 : a.label.localeCompare(b.label)));
  return (
    <NativeSelect
      label="Assignee"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      data={[{ value: '', label: 'Unassigned' }, ...options]}
    />
  );
}
