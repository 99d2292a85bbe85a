import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from '../../api.js';
import type { ApiBody, ApiResponse } from '../../api-schema.js';

/** `GET|PATCH /api/v1/workspace`. */
export type WorkspaceSettings = ApiResponse<'/api/v1/workspace'>;

const KEY = ['workspace-settings'];

export function useWorkspaceSettings() {
  return useQuery<WorkspaceSettings, ApiError>({
    queryKey: KEY,
    queryFn: ({ signal }) => api('/api/v1/workspace', { signal }),
  });
}

export function useSaveWorkspaceSettings() {
  const qc = useQueryClient();
  return useMutation<WorkspaceSettings, ApiError, ApiBody<'/api/v1/workspace', 'patch'>>({
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
