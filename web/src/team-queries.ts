import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';
import type { ApiBody, ApiItem, ApiResponse } from './api-schema.js';
import type { Role } from './permissions.js';

/** A member as the team page lists them; `canResetTotp` is the server's answer to "may I reset this member's 2FA?". */
export type Member = ApiItem<'/api/v1/members'>;

export type ApiToken = ApiItem<'/api/v1/tokens'>;

function useChange<TIn, TOut = unknown>(fn: (input: TIn) => Promise<TOut>, key: string) {
  const qc = useQueryClient();
  return useMutation<TOut, ApiError, TIn>({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: [key] }),
  });
}

export function useMembers() {
  return useQuery<ApiResponse<'/api/v1/members'>, ApiError>({
    queryKey: ['members'],
    queryFn: ({ signal }) => api('/api/v1/members?limit=200', { signal }),
  });
}
const member = (id: string) => `/api/v1/members/${encodeURIComponent(id)}`;
export const useInvite = () => useChange<{ email: string; role: Role }>((body) => api('/api/v1/invitations', { method: 'POST', body }), 'members');
export const useChangeRole = () => useChange<{ id: string; role: Role }>(({ id, role }) => api(member(id), { method: 'PATCH', body: { role } }), 'members');
export const useRemoveMember = () => useChange<string>((id) => api(member(id), { method: 'DELETE' }), 'members');
export const useResetMemberTotp = () => useChange<string>((id) => api(`${member(id)}/totp-reset`, { method: 'POST', body: {} }), 'members');

export function useTokens() {
  return useQuery<ApiResponse<'/api/v1/tokens'>, ApiError>({
    queryKey: ['tokens'],
    queryFn: ({ signal }) => api('/api/v1/tokens', { signal }),
  });
}
export type NewToken = ApiBody<'/api/v1/tokens', 'post'>;
export const useCreateToken = () => useChange<NewToken, ApiResponse<'/api/v1/tokens', 'post'>>((body) => api('/api/v1/tokens', { method: 'POST', body }), 'tokens');
export const useRevokeToken = () => useChange<string>((id) => api(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }), 'tokens');

export type AuditEvent = ApiItem<'/api/v1/audit-events'>;
export interface AuditFilters {
  actorId?: string;
  subjectId?: string;
  action?: string;
  from?: string;
  to?: string;
}
export type AuditVerify = ApiResponse<'/api/v1/audit-events/verify'>;

export function auditQuery(filters: AuditFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (typeof v === 'string' && v) q.set(k, v);
  return q;
}

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery<ApiResponse<'/api/v1/audit-events'>, ApiError>({
    queryKey: ['audit', filters],
    initialPageParam: null,
    queryFn: ({ pageParam, signal }) => {
      const q = auditQuery(filters);
      q.set('limit', '50');
      if (typeof pageParam === 'string') q.set('cursor', pageParam);
      return api(`/api/v1/audit-events?${q.toString()}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useAuditVerify() {
  return useQuery<AuditVerify, ApiError>({
    queryKey: ['audit-verify'],
    queryFn: ({ signal }) => api('/api/v1/audit-events/verify', { signal }),
  });
}
