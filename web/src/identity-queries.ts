import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';
import type { ApiBody, ApiItem, ApiResponse } from './api-schema.js';

/** `GET /api/v1/me`: who is signed in and, with it, what they may do ("send permissions with the data"). */
export type Me = ApiResponse<'/api/v1/me'>;

/** How often an open page asks who it is: a removed member's page signs out within this. */
export const ME_POLL_MS = 15_000;

export function useMe(poll = true) {
  return useQuery<Me, ApiError>({
    queryKey: ['me'],
    queryFn: ({ signal }) => api<Me>('/api/v1/me', { signal }),
    refetchInterval: poll ? ME_POLL_MS : false,
    refetchIntervalInBackground: true,
  });
}

/** A mutation whose success refreshes the given queries. */
function useAction<TIn, TOut = unknown>(fn: (input: TIn) => Promise<TOut>, invalidate: string[][] = []) {
  const qc = useQueryClient();
  return useMutation<TOut, ApiError, TIn>({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all(invalidate.map((queryKey) => qc.invalidateQueries({ queryKey })));
    },
  });
}

export const useSignOut = () => useAction<void>(() => api('/api/v1/auth/sign-out', { method: 'POST', expect401: true }));

export type ChallengeInput = ApiBody<'/api/v1/auth/totp', 'post'>;
export const useTotpChallenge = () =>
  useAction<ChallengeInput, ApiResponse<'/api/v1/auth/totp', 'post'>>((body) =>
    // A wrong code answers 401 (`totp-invalid`): the form says so.
    api('/api/v1/auth/totp', { method: 'POST', body, expect401: true }),
  );

export type Enrolment = ApiResponse<'/api/v1/auth/totp/enrolment', 'post'>;
/** Re-enrolment proves the old factor: the password and a current code. */
export interface Reauth {
  password: string;
  code: string;
}
export const useStartEnrolment = () =>
  useAction<Reauth | undefined, Enrolment>((reauth) =>
    api('/api/v1/auth/totp/enrolment', { method: 'POST', body: reauth ?? {}, expect401: true }),
  );
// /me is refreshed by the caller once the recovery codes have been read: a
// refresh now would tell the page "enrolled" and take the codes off screen.
export const useConfirmEnrolment = () =>
  useAction<string, ApiResponse<'/api/v1/auth/totp/enrolment/confirm', 'post'>>((code) => api('/api/v1/auth/totp/enrolment/confirm', { method: 'POST', body: { code } }));
export const useDisableTotp = () =>
  useAction<Reauth>((body) => api('/api/v1/auth/totp', { method: 'DELETE', body, expect401: true }), [['me']]);

export type SessionItem = ApiItem<'/api/v1/auth/sessions'>;
export function useSessions() {
  return useQuery<ApiResponse<'/api/v1/auth/sessions'>, ApiError>({
    queryKey: ['sessions'],
    queryFn: ({ signal }) => api('/api/v1/auth/sessions', { signal }),
  });
}
export const useRevokeSession = () => useAction<string>((id) => api(`/api/v1/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }), [['sessions']]);
export const useSignOutEverywhere = () => useAction<void>(() => api('/api/v1/auth/sessions', { method: 'DELETE' }));
export const useChangePassword = () =>
  useAction<ApiBody<'/api/v1/auth/password', 'post'>>((body) =>
    api('/api/v1/auth/password', { method: 'POST', body, expect401: true }),
  );

export const useRequestPasswordReset = () =>
  useAction<ApiBody<'/api/v1/auth/password-reset', 'post'>>((body) => api('/api/v1/auth/password-reset', { method: 'POST', body, expect401: true }));
export const useConfirmPasswordReset = () =>
  useAction<ApiBody<'/api/v1/auth/password-reset/confirm', 'post'>>((body) =>
    api('/api/v1/auth/password-reset/confirm', { method: 'POST', body, expect401: true }),
  );
export const useAcceptInvitation = () =>
  useAction<ApiBody<'/api/v1/invitations/accept', 'post'>, ApiResponse<'/api/v1/invitations/accept', 'post'>>((body) =>
    api('/api/v1/invitations/accept', { method: 'POST', body, expect401: true }),
  );
