/** Pipelines, deals, notes, tasks and the contact merge: the board's and the contact tabs' side of the API. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from './api.js';
import { api } from './api.js';
import type { ApiBody, ApiItem, ApiResponse } from './api-schema.js';
import type { Contact, Page } from './crm-queries.js';

export type Pipeline = ApiItem<'/api/v1/pipelines'>;
export type Stage = Pipeline['stages'][number];

/** `contactHidden`: the contact is outside the reader's record visibility, so its name and the deal's text are withheld. */
export type Deal = ApiResponse<'/api/v1/deals/{id}'>;

export type DealInput = ApiBody<'/api/v1/deals', 'post'>;

const enc = encodeURIComponent;

export function formatAmount(cents: number | null, currency: string | null): string {
  if (cents === null) return '—';
  const major = cents / 100;
  if (currency) {
    try {
      return major.toLocaleString(undefined, { style: 'currency', currency });
    } catch {
      // An unknown code: plain number and the code.
    }
  }
  return `${major.toLocaleString(undefined, { minimumFractionDigits: 2 })} ${currency ?? ''}`.trim();
}

export function usePipelines(enabled = true) {
  return useQuery<Pipeline[], ApiError>({
    queryKey: ['pipelines'],
    enabled,
    queryFn: async ({ signal }) => (await api<{ items: Pipeline[] }>('/api/v1/pipelines', { signal })).items,
    staleTime: 60_000,
  });
}

const dealsKey = (pipelineId: string) => ['deals', 'board', pipelineId] as const;

/** Every deal of one pipeline, in board order (all pages). */
export function useBoardDeals(pipelineId: string | null) {
  return useQuery<Deal[], ApiError>({
    queryKey: dealsKey(pipelineId ?? ''),
    enabled: pipelineId !== null,
    queryFn: async ({ signal }) => {
      const out: Deal[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 50; i++) {
        const p = new URLSearchParams({ pipelineId: pipelineId ?? '', limit: '200' });
        if (cursor) p.set('cursor', cursor);
        const page: Page<Deal> = await api<Page<Deal>>(`/api/v1/deals?${p.toString()}`, { signal });
        out.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return out;
    },
  });
}

export interface Move {
  deal: Deal;
  stageId: string;
  /** Index in the target stage's list once the deal is taken out of it. */
  index: number;
}

/** Deals of one stage in board order. */
export function stageDeals(deals: readonly Deal[], stageId: string): Deal[] {
  return deals.filter((d) => d.stageId === stageId).sort((a, b) => a.position - b.position);
}

/** The board after a move, and the server position that puts the deal there (the server shifts the rest down). */
export function applyMove(deals: readonly Deal[], move: Move): { deals: Deal[]; position: number } {
  const others = stageDeals(deals, move.stageId).filter((d) => d.id !== move.deal.id);
  const index = Math.max(0, Math.min(move.index, others.length));
  const at = others[index];
  const position = at ? at.position : others.length > 0 ? others[others.length - 1]!.position + 1 : 0;
  const next = deals.map((d) => {
    if (d.id === move.deal.id) return { ...d, stageId: move.stageId, position };
    if (d.stageId === move.stageId && d.position >= position) return { ...d, position: d.position + 1 };
    return d;
  });
  return { deals: next, position };
}

/** Moves a deal on the board at once; the old board comes back if the server says no. */
export function useMoveDeal(pipelineId: string) {
  const qc = useQueryClient();
  const key = dealsKey(pipelineId);
  return useMutation<Deal, ApiError, Move & { position: number }, { before: Deal[] | undefined }>({
    mutationFn: (move) => api(`/api/v1/deals/${enc(move.deal.id)}`, { method: 'PATCH', body: { stageId: move.stageId, position: move.position } }),
    onMutate: async (move) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Deal[]>(key);
      if (before) qc.setQueryData<Deal[]>(key, applyMove(before, move).deals);
      return { before };
    },
    onError: (_e, _move, context) => {
      if (context?.before) qc.setQueryData(key, context.before);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['deals'] }),
  });
}

export function useCreateDeal() {
  const qc = useQueryClient();
  return useMutation<Deal, ApiError, DealInput>({
    mutationFn: (body) => api('/api/v1/deals', { method: 'POST', body }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['deals'] });
      await qc.invalidateQueries({ queryKey: ['related'] });
    },
  });
}

export type Note = ApiItem<'/api/v1/notes'>;

export type Task = ApiResponse<'/api/v1/tasks/{id}'>;

export type TaskPatch = ApiBody<'/api/v1/tasks/{id}', 'patch'>;

export function useCreateNote() {
  const qc = useQueryClient();
  return useMutation<Note, ApiError, { contactId: string; body: string }>({
    mutationFn: (body) => api('/api/v1/notes', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['related'] }),
  });
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation<Task, ApiError, { contactId: string; title: string; dueAt: string | null; assigneeId?: string | null }>({
    mutationFn: (body) => api('/api/v1/tasks', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['related'] }),
  });
}

/** `{ done }` alone toggles a task; any other field edits it. */
export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation<Task, ApiError, { id: string; patch: TaskPatch }>({
    mutationFn: ({ id, patch }) => api(`/api/v1/tasks/${enc(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['related'] }),
  });
}

export function useDeleteTask() {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, string>({
    mutationFn: (id) => api(`/api/v1/tasks/${enc(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['related'] }),
  });
}

export const MERGE_FIELDS = [
  'firstName', 'lastName', 'emails', 'phones', 'jobTitle', 'seniority', 'companyId', 'ownerId', 'address', 'bio',
  'website', 'linkedinUrl', 'country', 'city', 'ip', 'tags', 'customFields', 'lawfulBasis', 'source',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export function useMergeContacts() {
  const qc = useQueryClient();
  return useMutation<Contact, ApiError, { keepId: string; mergeId: string; choices: Partial<Record<MergeField, 'keep' | 'merge'>> }>({
    mutationFn: (body) => api('/api/v1/contacts/merge', { method: 'POST', body }),
    onSuccess: async (kept, { mergeId }) => {
      qc.removeQueries({ queryKey: ['contacts', 'one', mergeId] });
      qc.setQueryData(['contacts', 'one', kept.id], kept);
      await qc.invalidateQueries({ queryKey: ['contacts'] });
      await qc.invalidateQueries({ queryKey: ['related'] });
      await qc.invalidateQueries({ queryKey: ['deals'] });
    },
  });
}
