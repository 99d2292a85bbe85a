/** Contact exports (docs/exports.md): make one, then download it from its url. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';

export type ExportFormat = 'csv' | 'json';

export interface ContactExport {
  id: string;
  /** A path under /api/v1: downloads with the session cookie for 24 hours. */
  url: string;
  records: number;
  format: ExportFormat;
  createdAt: string;
  expiresAt: string;
}

export function useCreateExport() {
  const qc = useQueryClient();
  return useMutation<ContactExport, ApiError, { format: ExportFormat; segmentId?: string }>({
    mutationFn: (body) => api('/api/v1/exports', { method: 'POST', body }),
    // The exporter may be an owner or the DPO: their bell has news.
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications'] }),
  });
}
