/** Contacts, companies, the contact page's tabs and notifications: the CRM side of the API. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './api.js';
import type { ApiBody, ApiItem, ApiResponse } from './api-schema.js';

export const LAWFUL_BASES = [
  { value: 'consent', label: 'Consent', help: 'The person agreed to this use of their data, and can withdraw at any time.' },
  { value: 'contract', label: 'Contract', help: 'Needed to perform a contract with the person, or to take steps they asked for before one.' },
  { value: 'legal_obligation', label: 'Legal obligation', help: 'A law requires you to process the data (e.g. tax or accounting records).' },
  { value: 'vital_interests', label: 'Vital interests', help: "Needed to protect someone's life." },
  { value: 'public_task', label: 'Public task', help: 'Needed for a task in the public interest or an official function set out in law.' },
  { value: 'legitimate_interests', label: 'Legitimate interests', help: 'A genuine business interest that the person would reasonably expect and that does not override their rights.' },
] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number]['value'];

export type Contact = ApiResponse<'/api/v1/contacts/{id}'>;
export type Address = NonNullable<Contact['address']>;

/** A new contact; on a change (PATCH) every field is optional, and in `customFields` given keys replace, null removes. */
export type ContactInput = ApiBody<'/api/v1/contacts', 'post'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
  totalIsLowerBound?: boolean;
  /** `total` is an estimate (a search with many candidates). */
  totalIsEstimate?: boolean;
}

export type AccessLogEntry = ApiItem<'/api/v1/contacts/{id}/access-log'>;

export type Company = ApiResponse<'/api/v1/companies/{id}'>;

export type CompanyInput = ApiBody<'/api/v1/companies/{id}', 'patch'>;

export type AppNotification = ApiItem<'/api/v1/notifications'>;

/** The API's search needs a word of two characters or more; shorter input lists everyone instead of a 422. */
export function searchable(q: string): string | undefined {
  const t = q.trim();
  return /[\p{L}\p{N}]{2}/u.test(t) ? t : undefined;
}

export function fullName(c: Pick<Contact, 'firstName' | 'lastName'>): string {
  return `${c.firstName} ${c.lastName}`.trim() || '(no name)';
}

export function primaryEmail(c: Pick<Contact, 'emails'>): string | null {
  return (c.emails.find((e) => e.primary) ?? c.emails[0])?.address ?? null;
}

const enc = encodeURIComponent;

export interface ContactFilter {
  q?: string | undefined;
  sort?: string | undefined;
  segmentId?: string | undefined;
  email?: string | undefined;
  /** Only this company's people. */
  companyId?: string | undefined;
}

/** A list or search of contacts, 50 a page. */
export function useContacts(filter: ContactFilter) {
  const entries = (['q', 'sort', 'segmentId', 'email', 'companyId'] as const).map((k) => [k, filter[k] ?? ''] as const);
  return useInfiniteQuery<Page<Contact>, ApiError>({
    queryKey: ['contacts', 'list', ...entries.map(([, v]) => v)],
    initialPageParam: null,
    queryFn: ({ signal, pageParam }) => {
      const p = new URLSearchParams({ limit: '50' });
      for (const [k, v] of entries) if (v) p.set(k, v);
      if (typeof pageParam === 'string') p.set('cursor', pageParam);
      return api(`/api/v1/contacts?${p.toString()}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
}

export function useContact(id: string) {
  return useQuery<Contact, ApiError>({ queryKey: ['contacts', 'one', id], queryFn: ({ signal }) => api(`/api/v1/contacts/${enc(id)}`, { signal }) });
}

export function useAccessLog(id: string) {
  return useInfiniteQuery<Page<AccessLogEntry>, ApiError>({
    queryKey: ['contacts', 'access-log', id],
    initialPageParam: null,
    queryFn: ({ signal, pageParam }) =>
      api(`/api/v1/contacts/${enc(id)}/access-log?limit=50${typeof pageParam === 'string' ? `&cursor=${enc(pageParam)}` : ''}`, { signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useCreateContact() {
  const qc = useQueryClient();
  return useMutation<Contact, ApiError, ContactInput>({
    mutationFn: (body) => api('/api/v1/contacts', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['contacts', 'list'] }),
  });
}

export function useUpdateContact(id: string) {
  const qc = useQueryClient();
  return useMutation<Contact, ApiError, Partial<ContactInput>>({
    mutationFn: (body) => api(`/api/v1/contacts/${enc(id)}`, { method: 'PATCH', body }),
    onSuccess: async (c) => {
      qc.setQueryData(['contacts', 'one', id], c);
      await qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      await qc.invalidateQueries({ queryKey: ['contacts', 'access-log', id] });
    },
  });
}

export function useDeleteContact() {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, string>({
    mutationFn: (id) => api(`/api/v1/contacts/${enc(id)}`, { method: 'DELETE' }),
    onSuccess: (_r, id) => {
      qc.removeQueries({ queryKey: ['contacts', 'one', id] });
      return qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
    },
  });
}

/**
 * A list that another module serves (`/notes?contactId=` …). Until that
 * module is wired the route answers 404: `available` is false then, and the
 * tab says so instead of showing an error.
 */
export function useRelated<T>(key: string, path: string, enabled: boolean) {
  return useQuery<{ available: boolean; items: T[] }, ApiError>({
    queryKey: ['related', key, path],
    enabled,
    queryFn: async ({ signal }) => {
      try {
        const page = await api<Page<T>>(path, { signal });
        return { available: true, items: page.items ?? [] };
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501)) return { available: false, items: [] };
        throw err;
      }
    },
  });
}

export function useCompanies(q: string | undefined) {
  return useInfiniteQuery<Page<Company>, ApiError>({
    queryKey: ['companies', 'list', q ?? ''],
    initialPageParam: null,
    queryFn: ({ signal, pageParam }) => {
      const p = new URLSearchParams({ limit: '50' });
      if (q) p.set('q', q);
      if (typeof pageParam === 'string') p.set('cursor', pageParam);
      return api(`/api/v1/companies?${p.toString()}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
}

export function useCompany(id: string | null) {
  return useQuery<Company, ApiError>({
    queryKey: ['companies', 'one', id],
    enabled: id !== null,
    queryFn: ({ signal }) => api(`/api/v1/companies/${enc(id ?? '')}`, { signal }),
  });
}

/** Names of the companies a page of contacts refers to (each cached on its own). */
export function useCompanyNames(ids: ReadonlyArray<string | null>): Map<string, string> {
  const unique = [...new Set(ids.filter((i): i is string => i !== null))];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['companies', 'one', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api<Company>(`/api/v1/companies/${enc(id)}`, { signal }),
      staleTime: 60_000,
    })),
  });
  const out = new Map<string, string>();
  results.forEach((r) => {
    if (r.data) out.set(r.data.id, r.data.name);
  });
  return out;
}

export function useCreateCompany() {
  const qc = useQueryClient();
  return useMutation<Company, ApiError, CompanyInput>({
    mutationFn: (body) => api('/api/v1/companies', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['companies', 'list'] }),
  });
}

export function useUpdateCompany(id: string) {
  const qc = useQueryClient();
  return useMutation<Company, ApiError, CompanyInput>({
    mutationFn: (body) => api(`/api/v1/companies/${enc(id)}`, { method: 'PATCH', body }),
    onSuccess: (c) => {
      qc.setQueryData(['companies', 'one', id], c);
      return qc.invalidateQueries({ queryKey: ['companies', 'list'] });
    },
  });
}

export function useDeleteCompany() {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, string>({
    mutationFn: (id) => api(`/api/v1/companies/${enc(id)}`, { method: 'DELETE' }),
    onSuccess: (_r, id) => {
      qc.removeQueries({ queryKey: ['companies', 'one', id] });
      return qc.invalidateQueries({ queryKey: ['companies', 'list'] });
    },
  });
}

export function useNotifications() {
  return useQuery<Page<AppNotification>, ApiError>({
    queryKey: ['notifications'],
    queryFn: ({ signal }) => api('/api/v1/notifications?limit=50', { signal }),
    refetchInterval: 60_000,
  });
}

export function useMarkNotificationRead() {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, string>({
    mutationFn: (id) => api(`/api/v1/notifications/${enc(id)}/read`, { method: 'POST' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications'] }),
  });
}

export type Segment = Pick<ApiItem<'/api/v1/segments'>, 'id' | 'name'>;

/** Saved segments for the list's filter; absent (404) until the segments module is wired. */
export const useSegments = () => useRelated<Segment>('segments', '/api/v1/segments?limit=200', true);
