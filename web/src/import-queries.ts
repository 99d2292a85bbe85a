/** Contact imports (docs/imports.md): a multipart upload, then the import's status polled until it ends. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError, type Problem } from './api.js';
import type { ApiResponse } from './api-schema.js';

import type { ImportField } from './pages/imports/fields.js';

export { IMPORT_FIELDS, type ImportField } from './pages/imports/fields.js';
export type DuplicatePolicy = 'skip' | 'update' | 'create';

export type ImportStatus = ApiResponse<'/api/v1/imports/{id}'>;

export interface StartImport {
  file: File;
  mapping: Record<string, ImportField>;
  lawfulBasis: string;
  source: string;
  duplicates: DuplicatePolicy;
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError({ type: 'about:blank#network', title: 'Network error', status: 0, detail: 'The server could not be reached. Check your connection and try again.' });
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const isProblem = typeof data === 'object' && data !== null && 'status' in data && 'title' in data;
    throw new ApiError(isProblem ? (data as Problem) : { type: 'about:blank', title: response.statusText || 'Request failed', status: response.status });
  }
  return data as T;
}

/** The options go first, the file last (the server reads the fields before it checks them). */
export function useStartImport() {
  return useMutation<{ id: string }, ApiError, StartImport>({
    mutationFn: (input) => {
      const form = new FormData();
      form.append('lawfulBasis', input.lawfulBasis);
      form.append('source', input.source);
      form.append('duplicates', input.duplicates);
      form.append('mapping', JSON.stringify(input.mapping));
      form.append('file', input.file, input.file.name);
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      // The tab's CSRF token, as api.ts keeps it (multipart is not JSON, so api() cannot send it).
      const csrf = window.sessionStorage.getItem('confidant.csrf');
      if (csrf) headers['x-csrf-token'] = csrf;
      return request<{ id: string }>('/api/v1/imports', { method: 'POST', headers, body: form });
    },
  });
}

/** Polled every second until the import is done or failed. */
export function useImportStatus(id: string | null) {
  return useQuery<ImportStatus, ApiError>({
    queryKey: ['imports', id],
    enabled: id !== null,
    queryFn: () => request<ImportStatus>(`/api/v1/imports/${id}`, { headers: { accept: 'application/json' } }),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : 1000),
  });
}
