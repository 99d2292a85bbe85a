import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useDeleteTask, useUpdateTask, type Task, type TaskPatch } from '../../../deals-queries.js';
import { useFocusFirstError } from '../../../focus-first-error.js';
import type { FieldSpecs } from '../../../form-errors.js';
import type { Me } from '../../../identity-queries.js';
import { AssigneeSelect } from './AssigneeSelect.js';
import { ERASED, FormError } from './RelatedList.js';

/** A due date in the reader's calendar, as a date input holds it (YYYY-MM-DD). */
export function dateInputOf(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A picked day as the moment the task is due: 09:00 in the reader's time zone. */
export function dueAtOf(date: string): string | null {
  return date ? new Date(`${date}T09:00:00`).toISOString() : null;
}

export const TASK_FIELDS: FieldSpecs = {
  title: { name: 'a title for the task' },
  dueAt: { name: 'a due date', kind: 'date' },
  assigneeId: { name: 'an assignee', kind: 'choice' },
};

export const taskTitle = (t: Task): string => (t.erased || t.title === null ? ERASED : t.title);

const closeProps = { 'aria-label': 'Close' };

/**
 * The dialogs stay mounted and open and close by `opened`, so that Mantine
 * gives focus back to the button that opened them; `task` is the last one
 * chosen (kept while the dialog fades out).
 */
export function EditTaskDialog({ task, me, opened, onClose }: { task: Task | null; me: Me; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={task ? `Edit task “${taskTitle(task)}”` : 'Edit task'} centered closeButtonProps={closeProps}>
      {task && <EditTaskForm key={task.id} task={task} me={me} onClose={onClose} />}
    </Modal>
  );
}

/** Title, due date, assignee and done; only the fields that changed are sent (the audit names them). */
function EditTaskForm({ task, me, onClose }: { task: Task; me: Me; onClose: () => void }) {
  const update = useUpdateTask();
  const initialTitle = task.erased ? '' : (task.title ?? '');
  const [title, setTitle] = useState(initialTitle);
  const [due, setDue] = useState(dateInputOf(task.dueAt));
  const [assignee, setAssignee] = useState(task.assigneeId ?? '');
  const [done, setDone] = useState(task.done);
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const fe = update.error?.fieldErrors(TASK_FIELDS) ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, missing && attempt, update.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempt((n) => n + 1);
    if (!title.trim() && !task.erased) return setMissing(true);
    setMissing(false);
    const patch: TaskPatch = {};
    if (title.trim() && title.trim() !== initialTitle) patch.title = title.trim();
    if (due !== dateInputOf(task.dueAt)) patch.dueAt = dueAtOf(due);
    if (assignee !== (task.assigneeId ?? '')) patch.assigneeId = assignee || null;
    if (done !== task.done) patch.done = done;
    if (Object.keys(patch).length === 0) return onClose();
    update.mutate({ id: task.id, patch }, { onSuccess: onClose });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Edit the task">
        <Stack>
          {update.error && Object.keys(fe).length === 0 && <FormError error={update.error} />}
          <TextInput
            label="Title"
            description={task.erased ? 'The title was erased with its contact; give a new one to change the text.' : undefined}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={missing ? 'Enter a title for the task.' : fe.title}
            data-autofocus
          />
          <TextInput label="Due date" type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} error={fe.dueAt} />
          <AssigneeSelect me={me} value={assignee} onChange={setAssignee} error={fe.assigneeId} />
          <Checkbox label="Done" checked={done} onChange={(e) => setDone(e.currentTarget.checked)} error={fe.done} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save task
            </Button>
          </Group>
        </Stack>
      </form>
  );
}

/** `returnFocus` is off once the task is gone: its row and button went with it, and the page moves focus itself. */
export function DeleteTaskDialog({ task, opened, returnFocus, onClose, onDeleted }: { task: Task | null; opened: boolean; returnFocus: boolean; onClose: () => void; onDeleted: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} returnFocus={returnFocus} title={task ? `Delete task “${taskTitle(task)}”?` : 'Delete task'} centered closeButtonProps={closeProps}>
      {task && <DeleteTaskBody key={task.id} task={task} onClose={onClose} onDeleted={onDeleted} />}
    </Modal>
  );
}

function DeleteTaskBody({ task, onClose, onDeleted }: { task: Task; onClose: () => void; onDeleted: () => void }) {
  const del = useDeleteTask();
  return (
    <Stack>
      <Text>The task is deleted for good.</Text>
      {del.error && (
        <Alert color="red" title={del.error.problem.title} role="alert">
          {del.error.message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} data-autofocus>
          Cancel
        </Button>
        <Button color="red.8" loading={del.isPending} onClick={() => del.mutate(task.id, { onSuccess: onDeleted })}>
          Delete task
        </Button>
      </Group>
    </Stack>
  );
}
