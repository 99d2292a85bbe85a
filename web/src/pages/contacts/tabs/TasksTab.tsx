import { Button, Checkbox, Group, Stack, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useCreateTask, useUpdateTask, type Task } from '../../../deals-queries.js';
import { useFocusFirstError } from '../../../focus-first-error.js';
import type { Me } from '../../../identity-queries.js';
import { useMemberDirectory } from '../../../member-names.js';
import { AssigneeSelect } from './AssigneeSelect.js';
import { FormError, RelatedList, when } from './RelatedList.js';
import { DeleteTaskDialog, EditTaskDialog, TASK_FIELDS, dueAtOf, taskTitle } from './TaskDialogs.js';

function TaskForm({ contactId, me, titleRef }: { contactId: string; me: Me; titleRef: RefObject<HTMLInputElement | null> }) {
  const create = useCreateTask();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [assignee, setAssignee] = useState('');
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const fe = create.error?.fieldErrors(TASK_FIELDS) ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, missing && attempt, create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempt((n) => n + 1);
    if (!title.trim()) return setMissing(true);
    setMissing(false);
    create.mutate(
      { contactId, title: title.trim(), dueAt: dueAtOf(due), assigneeId: assignee || null },
      {
        onSuccess: () => {
          setTitle('');
          setDue('');
        },
      },
    );
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Add a task">
      <Stack gap="xs">
        <FormError error={create.error} />
        <Group grow align="flex-start">
          <TextInput ref={titleRef} label="New task" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={missing ? 'Enter a title for the task.' : fe.title} />
          <TextInput label="Due date" type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} error={fe.dueAt} />
          <AssigneeSelect me={me} value={assignee} onChange={setAssignee} error={fe.assigneeId} />
        </Group>
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Add task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TaskDone({ task, canWrite }: { task: Task; canWrite: boolean }) {
  const update = useUpdateTask();
  // Held in React state at once: the mutation's own state arrives a tick later, and the controlled box would flicker back.
  const [wanted, setWanted] = useState<boolean | null>(null);
  if (!canWrite) return task.done ? 'Done' : 'Open';
  const checked = wanted ?? task.done;
  return (
    <Checkbox
      label={checked ? 'Done' : 'Open'}
      aria-label={`Done: ${taskTitle(task)}`}
      checked={checked}
      error={update.error?.message}
      onChange={(e) => {
        const done = e.currentTarget.checked;
        setWanted(done);
        update.mutate({ id: task.id, patch: { done } }, { onSettled: () => setWanted(null) });
      }}
    />
  );
}

interface Dialogs {
  open: 'edit' | 'delete' | null;
  task: Task | null;
  /** Set when a delete succeeded; cleared when the next dialog opens. */
  deleted: boolean;
}

export function TasksTab({ contactId, me, canWrite, active }: { contactId: string; me: Me; canWrite: boolean; active: boolean }) {
  const members = useMemberDirectory(me);
  const [dialog, setDialog] = useState<Dialogs>({ open: null, task: null, deleted: false });
  const newTitle = useRef<HTMLInputElement>(null);
  const open = (kind: 'edit' | 'delete', task: Task) => setDialog({ open: kind, task, deleted: false });
  const close = () => setDialog((d) => ({ ...d, open: null }));
  useEffect(() => {
    // The row and its buttons are gone: focus goes to the form for the next task.
    if (dialog.deleted && dialog.open === null) newTitle.current?.focus();
  }, [dialog]);
  return (
    <Stack>
      {canWrite && <TaskForm contactId={contactId} me={me} titleRef={newTitle} />}
      <RelatedList<Task>
        name="Tasks"
        path={`/api/v1/tasks?contactId=${encodeURIComponent(contactId)}&limit=50`}
        enabled={active}
        columns={[
          { label: 'Task', render: (t) => taskTitle(t) },
          { label: 'Due', render: (t) => when(t.dueAt) },
          { label: 'Assignee', render: (t) => members.label(t.assigneeId) },
          { label: 'Status', render: (t) => <TaskDone task={t} canWrite={canWrite} /> },
          ...(canWrite
            ? [
                {
                  label: 'Actions',
                  render: (t: Task) => (
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" aria-label={`Edit task: ${taskTitle(t)}`} onClick={() => open('edit', t)}>
                        Edit
                      </Button>
                      <Button size="xs" variant="outline" color="red.9" aria-label={`Delete task: ${taskTitle(t)}`} onClick={() => open('delete', t)}>
                        Delete
                      </Button>
                    </Group>
                  ),
                },
              ]
            : []),
        ]}
      />
      {canWrite && (
        <>
          <EditTaskDialog task={dialog.task} me={me} opened={dialog.open === 'edit'} onClose={close} />
          <DeleteTaskDialog
            task={dialog.task}
            opened={dialog.open === 'delete'}
            returnFocus={!dialog.deleted}
            onClose={close}
            onDeleted={() => setDialog((d) => ({ ...d, open: null, deleted: true }))}
          />
        </>
      )}
    </Stack>
  );
}
