import { Alert, Box, Button, Group, Loader, NativeSelect, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import {
  applyMove,
  formatAmount,
  stageDeals,
  useBoardDeals,
  useMoveDeal,
  usePipelines,
  type Deal,
  type Pipeline,
  type Stage,
} from '../../deals-queries.js';
import type { Me } from '../../identity-queries.js';
import { useMemberDirectory } from '../../member-names.js';
import { Link } from '../../router.js';
import { NewDeal } from './NewDeal.js';

const dealTitle = (d: Deal) => (d.contactHidden ? '[hidden: not your contact]' : d.erased || d.title === null ? '[erased]' : d.title);

function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString();
}

interface FocusRequest {
  dealId: string;
  control: 'stage' | 'up' | 'down';
}

function DealCard({
  deal,
  stages,
  index,
  count,
  canWrite,
  ownerLabel,
  focus,
  onMove,
  onDragStart,
  onDragEnd,
}: {
  deal: Deal;
  stages: Stage[];
  index: number;
  count: number;
  canWrite: boolean;
  ownerLabel: (id: string | null) => string;
  focus: FocusRequest | null;
  onMove: (deal: Deal, stageId: string, index: number, control: FocusRequest['control']) => void;
  onDragStart: (deal: Deal) => void;
  onDragEnd: () => void;
}) {
  const title = dealTitle(deal);
  const stageRef = useRef<HTMLSelectElement>(null);
  const upRef = useRef<HTMLButtonElement>(null);
  const downRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focus?.dealId !== deal.id) return;
    const el = focus.control === 'stage' ? stageRef.current : focus.control === 'up' ? upRef.current : downRef.current;
    if (el && !(el as HTMLButtonElement).disabled) el.focus();
    else stageRef.current?.focus();
  }, [focus, deal.id]);

  const onDrag = (e: DragEvent<HTMLElement>) => {
    e.dataTransfer.setData('text/plain', deal.id);
    e.dataTransfer.effectAllowed = 'move';
    onDragStart(deal);
  };

  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      data-deal-id={deal.id}
      draggable={canWrite}
      onDragStart={canWrite ? onDrag : undefined}
      onDragEnd={onDragEnd}
      style={{ cursor: canWrite ? 'grab' : undefined, listStyle: 'none' }}
      aria-label={title}
    >
      <Stack gap={4}>
        <Title order={3} size="h6">
          {title}
        </Title>
        <Text size="sm">{formatAmount(deal.amountCents, deal.currency)}</Text>
        {deal.contactHidden && <Text size="sm">A contact you do not own</Text>}
        {deal.contactId && !deal.contactHidden && (
          <Text size="sm">
            <Link to={`/contacts/${deal.contactId}`}>{deal.contactName ?? '[erased]'}</Link>
          </Text>
        )}
        <Text size="sm">Expected close: {formatDate(deal.expectedClose)}</Text>
        {deal.ownerId && <Text size="sm">Owner: {ownerLabel(deal.ownerId)}</Text>}
        {canWrite && (
          <Group gap="xs" mt={4} wrap="nowrap" align="flex-end">
            <NativeSelect
              ref={stageRef}
              size="xs"
              label="Stage"
              aria-label={`Move “${title}” to stage`}
              value={deal.stageId}
              onChange={(e) => onMove(deal, e.currentTarget.value, Number.MAX_SAFE_INTEGER, 'stage')}
              data={stages.map((s) => ({ value: s.id, label: s.name }))}
              style={{ flex: 1 }}
            />
            <Button ref={upRef} size="xs" variant="default" aria-label={`Move “${title}” up`} disabled={index === 0} onClick={() => onMove(deal, deal.stageId, index - 1, 'up')}>
              ↑
            </Button>
            <Button ref={downRef} size="xs" variant="default" aria-label={`Move “${title}” down`} disabled={index >= count - 1} onClick={() => onMove(deal, deal.stageId, index + 1, 'down')}>
              ↓
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function Board({ pipeline, me, canWrite, onAnnounce }: { pipeline: Pipeline; me: Me; canWrite: boolean; onAnnounce: (text: string) => void }) {
  const members = useMemberDirectory(me);
  const deals = useBoardDeals(pipeline.id);
  const move = useMoveDeal(pipeline.id);
  const [dragging, setDragging] = useState<Deal | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);

  if (deals.isPending) return <Loader size="sm" aria-label="Loading the deals" />;
  if (deals.error)
    return (
      <Alert color="red" title={deals.error.problem.title} role="alert">
        {deals.error.message}
      </Alert>
    );
  const all = deals.data;

  const doMove = (deal: Deal, stageId: string, index: number, control: FocusRequest['control'] | null) => {
    const { position } = applyMove(all, { deal, stageId, index });
    const stage = pipeline.stages.find((s) => s.id === stageId);
    const from = stageDeals(all, deal.stageId).findIndex((d) => d.id === deal.id);
    const target = stageDeals(all, stageId).filter((d) => d.id !== deal.id);
    const at = Math.max(0, Math.min(index, target.length));
    if (stageId === deal.stageId && at === from) return;
    if (control) setFocus({ dealId: deal.id, control });
    move.mutate(
      { deal, stageId, index, position },
      {
        onSuccess: () => onAnnounce(`Moved “${dealTitle(deal)}” to ${stage?.name ?? 'another stage'}, position ${at + 1} of ${target.length + 1}.`),
        onError: (e) => onAnnounce(`Could not move “${dealTitle(deal)}”: ${e.message}`),
      },
    );
  };

  const dropIndex = (list: HTMLElement, clientY: number, dealId: string): number => {
    const cards = [...list.querySelectorAll<HTMLElement>('[data-deal-id]')].filter((el) => el.dataset.dealId !== dealId);
    let i = 0;
    for (const c of cards) {
      const r = c.getBoundingClientRect();
      if (clientY > r.top + r.height / 2) i++;
    }
    return i;
  };

  return (
    <Stack>
      {move.error && (
        <Alert color="red" title="The deal was not moved" role="alert" withCloseButton closeButtonLabel="Dismiss" onClose={() => move.reset()}>
          {move.error.message} The board shows where it is now.
        </Alert>
      )}
      <Box
        role="region"
        aria-label={`${pipeline.name} board`}
        tabIndex={0}
        style={{ display: 'flex', gap: 'var(--mantine-spacing-md)', overflowX: 'auto', alignItems: 'flex-start', paddingBottom: 8 }}
      >
        {pipeline.stages.map((s) => {
          const list = stageDeals(all, s.id);
          const headingId = `stage-${s.id}`;
          return (
            <Paper
              key={s.id}
              component="section"
              aria-labelledby={headingId}
              withBorder
              p="sm"
              bg={over === s.id ? 'indigo.0' : 'gray.0'}
              data-stage-id={s.id}
              style={{ flex: '0 0 260px', minHeight: 200 }}
              onDragOver={(e) => {
                if (!dragging) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                if (over !== s.id) setOver(s.id);
              }}
              onDragLeave={(e) => {
                if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver((o) => (o === s.id ? null : o));
              }}
              onDrop={(e) => {
                e.preventDefault();
                setOver(null);
                const id = e.dataTransfer.getData('text/plain') || dragging?.id;
                const deal = all.find((d) => d.id === id);
                setDragging(null);
                if (!deal) return;
                doMove(deal, s.id, dropIndex(e.currentTarget, e.clientY, deal.id), null);
              }}
            >
              <Group justify="space-between" mb="xs" wrap="nowrap">
                <Title order={2} size="h5" id={headingId}>
                  {s.name}
                </Title>
                <Text size="sm" c="gray.8">
                  {list.length} {list.length === 1 ? 'deal' : 'deals'}
                </Text>
              </Group>
              {list.length === 0 ? (
                <Text size="sm" c="gray.8">
                  No deals.
                </Text>
              ) : (
                <Stack component="ul" gap="xs" p={0} m={0} aria-labelledby={headingId}>
                  {list.map((d, i) => (
                    <DealCard
                      key={d.id}
                      deal={d}
                      stages={pipeline.stages}
                      index={i}
                      count={list.length}
                      canWrite={canWrite}
                      ownerLabel={members.label}
                      focus={focus}
                      onMove={doMove}
                      onDragStart={setDragging}
                      onDragEnd={() => {
                        setDragging(null);
                        setOver(null);
                      }}
                    />
                  ))}
                </Stack>
              )}
            </Paper>
          );
        })}
      </Box>
    </Stack>
  );
}

export function DealsPage({ me }: { me: Me }) {
  const pipelines = usePipelines();
  const [pipelineId, setPipelineId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const canWrite = me.permissions.includes('contacts:write');

  if (pipelines.isPending) return <Loader size="sm" aria-label="Loading the pipelines" />;
  if (pipelines.error)
    return (
      <Stack>
        <Title order={1}>Deals</Title>
        <Alert color="red" title={pipelines.error.problem.title} role="alert">
          {pipelines.error.message}
        </Alert>
      </Stack>
    );
  const pipeline = pipelines.data.find((p) => p.id === pipelineId) ?? pipelines.data[0];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={1}>Deals</Title>
        <Group align="flex-end">
          {pipelines.data.length > 1 && (
            <NativeSelect
              label="Pipeline"
              value={pipeline?.id ?? ''}
              onChange={(e) => setPipelineId(e.currentTarget.value)}
              data={pipelines.data.map((p) => ({ value: p.id, label: p.name }))}
            />
          )}
          {canWrite && pipeline && !creating && <Button onClick={() => setCreating(true)}>New deal</Button>}
        </Group>
      </Group>
      {canWrite && (
        <Text size="sm">Drag a card to another column or place, or use its stage menu and arrow buttons to move it with the keyboard.</Text>
      )}
      <VisuallyHidden role="status" aria-live="polite">
        {announcement}
      </VisuallyHidden>
      {creating && pipeline && (
        <NewDeal
          key={`new-${pipeline.id}`}
          pipeline={pipeline}
          me={me}
          onDone={(d) => {
            setCreating(false);
            if (d) setAnnouncement(`Created “${dealTitle(d)}”.`);
          }}
        />
      )}
      {pipeline ? <Board key={`board-${pipeline.id}`} pipeline={pipeline} me={me} canWrite={canWrite} onAnnounce={setAnnouncement} /> : <Text>No pipelines yet.</Text>}
    </Stack>
  );
}
