/** Contact exports (docs/exports.md): make one, then download it from its url. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';
import type { ApiBody, ApiResponse } from './api-schema.js';

/** `url` is a path under /api/v1: it downloads with the session cookie for 24 hours. */
export type ContactExport = ApiResponse<'/api/v1/exports', 'post'>;
export type ExportFormat = ContactExport['format'];

export function useCreateExport() {
  const qc = useQueryClient();
  return useMutation<ContactExport, ApiError, ApiBody<'/api/v1/exports', 'post'>>({
    mutationFn: (body) => api('/api/v1/exports', { method: 'POST', body }),
    // The exporter may be an owner or the DPO: their bell has news.
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications'] }),
  });
}
