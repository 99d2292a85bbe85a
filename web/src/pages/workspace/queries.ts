import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from '../../api.js';

/** `GET|PATCH /api/v1/workspace` (src/modules/workspaces/settings-routes.ts). */
export interface WorkspaceSettings {
  name: string;
  slug: string;
  region: string | null;
  dpoName: string | null;
  dpoEmail: string | null;
  require2faForAll: boolean;
  readBudgetPerHour: number;
  recordVisibility: { sales: 'all' | 'own' };
}

const KEY = ['workspace-settings'];

export function useWorkspaceSettings() {
  return useQuery<WorkspaceSettings, ApiError>({
    queryKey: KEY,
    queryFn: ({ signal }) => api('/api/v1/workspace', { signal }),
  });
}

export function useSaveWorkspaceSettings() {
  const qc = useQueryClient();
  return useMutation<WorkspaceSettings, ApiError, Partial<WorkspaceSettings>>({
    mutationFn: (body) => api('/api/v1/workspace', { method: 'PATCH', body }),
    onSuccess: async (saved) => {
      qc.setQueryData(KEY, saved);
      // /me carries the workspace's slug (header, sign-in link after a 401).
      await qc.invalidateQueries({ queryKey: ['me'] });
    },
  });
}

export function useCloseWorkspace() {
  return useMutation<{ status: 'closing' }, ApiError, string>({
    mutationFn: (confirm) => api('/api/v1/workspace/close', { method: 'POST', body: { confirm } }),
  });
}
