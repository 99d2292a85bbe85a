import { useMutation, useQuery } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';
import type { ApiBody, ApiResponse } from './api-schema.js';

export type SetupStatus = ApiResponse<'/api/v1/setup'>;

export function useSetupStatus() {
  return useQuery<SetupStatus, ApiError>({
    queryKey: ['setup'],
    queryFn: ({ signal }) => api<SetupStatus>('/api/v1/setup', { signal }),
  });
}

export type SetupInput = ApiBody<'/api/v1/setup', 'post'>;
export type SetupResult = ApiResponse<'/api/v1/setup', 'post'>;

export function useCompleteSetup() {
  return useMutation<SetupResult, ApiError, SetupInput>({
    mutationFn: (body) => api<SetupResult>('/api/v1/setup', { method: 'POST', body }),
  });
}

export type SignInInput = ApiBody<'/api/v1/auth/sign-in', 'post'>;
export type SignInResult = ApiResponse<'/api/v1/auth/sign-in', 'post'>;

export function useSignIn() {
  return useMutation<SignInResult, ApiError, SignInInput>({
    // A wrong password is an answer for the form, not a lost session.
    mutationFn: (body) => api<SignInResult>('/api/v1/auth/sign-in', { method: 'POST', body, expect401: true }),
  });
}
