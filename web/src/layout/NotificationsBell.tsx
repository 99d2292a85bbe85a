import { Alert, Badge, Button, Group, Popover, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useMarkNotificationRead, useNotifications, type AppNotification } from '../crm-queries.js';
import { formatTime } from '../format.js';

/** A notice in plain words; payloads hold ids, counts and flags, never personal values. */
export function describeNotification(n: AppNotification): string {
  const p = n.payload;
  if (n.kind === 'read_budget_exceeded') {
    const who = `${typeof p.actorType === 'string' ? p.actorType : 'Someone'}${typeof p.actorId === 'string' ? ` ${p.actorId.slice(0, 8)}` : ''}`;
    const people = typeof p.distinctPeople === 'number' ? `${p.distinctPeople.toLocaleString('en')} people` : 'more people';
    const budget = typeof p.budget === 'number' ? ` (budget ${p.budget.toLocaleString('en')} an hour)` : '';
    return `Read budget exceeded: ${who} tried to read ${people}${budget}${p.refused ? '; the read was refused' : ''}.`;
  }
  if (n.kind === 'contacts_exported') {
    const who = `${typeof p.actorType === 'string' ? p.actorType : 'Someone'}${typeof p.actorId === 'string' ? ` ${p.actorId.slice(0, 8)}` : ''}`;
    const records = typeof p.records === 'number' ? `${p.records.toLocaleString('en')} ${p.records === 1 ? 'contact' : 'contacts'}` : 'contacts';
    const format = typeof p.format === 'string' ? ` as ${p.format.toUpperCase()}` : '';
    return `Contacts exported: ${who} exported ${records}${format}.`;
  }
  return n.kind.replace(/[_.]/g, ' ');
}

function BellIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}

export function NotificationsBell() {
  const [opened, setOpened] = useState(false);
  const list = useNotifications();
  const mark = useMarkNotificationRead();
  const items = list.data?.items ?? [];
  const unread = items.filter((n) => n.readAt === null).length;
  const label = unread === 0 ? 'Notifications, none unread' : `Notifications, ${unread} unread`;
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={360} trapFocus returnFocus withinPortal shadow="md">
      <Popover.Target>
        <Button variant="default" size="xs" aria-label={label} aria-expanded={opened} aria-haspopup="dialog" onClick={() => setOpened((o) => !o)} leftSection={<BellIcon />}>
          {unread > 0 ? (
            <Badge size="sm" color="red.8" variant="filled" aria-hidden="true">
              {unread}
            </Badge>
          ) : null}
        </Button>
      </Popover.Target>
      <Popover.Dropdown role="dialog" aria-label="Notifications">
        <Stack gap="xs">
          <Text fw={700}>Notifications</Text>
          {list.error && (
            <Alert color="red" title={list.error.problem.title} role="alert">
              {list.error.message}
            </Alert>
          )}
          {items.length === 0 && !list.error && <Text size="sm">Nothing new.</Text>}
          <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0, maxHeight: 360, overflowY: 'auto' }}>
            {items.map((n) => (
              <li key={n.id}>
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <Text size="sm" fw={n.readAt ? 400 : 700}>
                      {n.readAt ? '' : 'New: '}
                      {describeNotification(n)}
                    </Text>
                    <Text size="xs" c="gray.8">
                      <time dateTime={n.createdAt}>{formatTime(n.createdAt)}</time>
                    </Text>
                  </div>
                  {n.readAt === null && (
                    <Button size="compact-xs" variant="default" style={{ flexShrink: 0 }} aria-label={`Mark read: ${describeNotification(n)}`} loading={mark.isPending && mark.variables === n.id} onClick={() => mark.mutate(n.id)}>
                      Mark read
                    </Button>
                  )}
                </Group>
              </li>
            ))}
          </Stack>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
