/**
 * Owners, assignees and actors by name instead of by id. The members list
 * (`GET /api/v1/members`) needs `members:manage`: for the roles that have it
 * ids become emails; for the others only "You" is known, and anyone else
 * reads as "A member" with the id's start, so two people still look different.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { api, type ApiError } from './api.js';
import type { ApiResponse } from './api-schema.js';
import type { Me } from './identity-queries.js';
import type { Member } from './team-queries.js';

export interface MemberDirectory {
  /** Everyone this member may see by name; empty when the role cannot list members. */
  members: Member[];
  /** A display name for a member id: "You", their email, or "A member (1a2b3c4d)". */
  label: (id: string | null) => string;
}

const MAX_PAGES = 20;

export const canListMembers = (me: Me): boolean => me.permissions.includes('members:manage');

export function useMemberDirectory(me: Me): MemberDirectory {
  const enabled = canListMembers(me);
  const q = useQuery<Member[], ApiError>({
    // Under ['members'] so the team page's changes refresh it too.
    queryKey: ['members', 'directory'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }) => {
      const out: Member[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < MAX_PAGES; i++) {
        const p = new URLSearchParams({ limit: '200' });
        if (cursor) p.set('cursor', cursor);
        const page: ApiResponse<'/api/v1/members'> = await api(`/api/v1/members?${p.toString()}`, { signal });
        out.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return out;
    },
  });
  const members = q.data;
  const byId = useMemo(() => (members ? new Map(members.map((m) => [m.id, m.email])) : null), [members]);
  const label = useCallback(
    (id: string | null): string => {
      if (!id) return '—';
      if (id === me.id) return 'You';
      const email = byId?.get(id);
      if (email) return email;
      // Listed and not there: someone who has left the workspace.
      return byId ? `Former member (${id.slice(0, 8)})` : `A member (${id.slice(0, 8)})`;
    },
    [byId, me.id],
  );
  return { members: enabled ? (members ?? []) : [], label };
}

/** Who did something in an audit or access-log entry. */
export function actorLabel(type: string, id: string | null, dir: MemberDirectory): string {
  switch (type) {
    case 'user':
      return dir.label(id);
    case 'token':
      return id ? `API token (${id.slice(0, 8)})` : 'An API token';
    case 'operator':
      return 'Operator (command line)';
    case 'system':
      return 'Confidant';
    case 'public':
      return 'The public (a form or link)';
    default:
      return id ? `${type} (${id.slice(0, 8)})` : type;
  }
}
