import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';
import type { Role } from './permissions.js';

export interface Member {
  id: string;
  email: string;
  role: Role;
  totpEnrolled: boolean;
  lastSeenAt: string | null;
  /** The server's answer to "may I reset this member's 2FA?" (owners: anyone else's; admins: roles below theirs). */
  canResetTotp: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt?: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

function useChange<TIn, TOut = unknown>(fn: (input: TIn) => Promise<TOut>, key: string) {
  const qc = useQueryClient();
  return useMutation<TOut, ApiError, TIn>({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: [key] }),
  });
}

export function useMembers() {
  return useQuery<{ items: Member[] }, ApiError>({
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
  return useQuery<{ items: ApiToken[] }, ApiError>({
    queryKey: ['tokens'],
    queryFn: ({ signal }) => api('/api/v1/tokens', { signal }),
  });
}
export interface NewToken {
  name: string;
  scopes: string[];
  expiresAt?: string;
}
export const useCreateToken = () => useChange<NewToken, { id: string; token: string }>((body) => api('/api/v1/tokens', { method: 'POST', body }), 'tokens');
export const useRevokeToken = () => useChange<string>((id) => api(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }), 'tokens');

export interface AuditEvent {
  seq: number | null;
  at: string;
  action: string;
  actorId: string | null;
  actorType: string;
  subjectIds: string[];
  purpose: string | null;
  details: Record<string, unknown>;
  hash: string | null;
  prevHash: string | null;
}
export interface AuditFilters {
  actorId?: string;
  subjectId?: string;
  action?: string;
  from?: string;
  to?: string;
}
export interface AuditVerify {
  intact: boolean;
  checked: number;
  unchained: number;
  oldestUnchainedAt?: string | null;
  headSeq?: number | null;
  firstBrokenSeq?: number;
  lastCheckpointSeq: number | null;
}

export function auditQuery(filters: AuditFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (typeof v === 'string' && v) q.set(k, v);
  return q;
}

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery<{ items: AuditEvent[]; nextCursor: string | null }, ApiError>({
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
