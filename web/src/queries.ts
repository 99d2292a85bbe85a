import { useMutation, useQuery } from '@tanstack/react-query';
import { api, type ApiError } from './api.js';

export interface SetupStatus {
  open: boolean;
}

export function useSetupStatus() {
  return useQuery<SetupStatus, ApiError>({
    queryKey: ['setup'],
    queryFn: ({ signal }) => api<SetupStatus>('/api/v1/setup', { signal }),
  });
}

export interface SetupInput {
  token: string;
  workspaceName: string;
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
}

export interface SetupResult {
  workspaceId: string;
  ownerUserId: string;
  slug: string;
}

export function useCompleteSetup() {
  return useMutation<SetupResult, ApiError, SetupInput>({
    mutationFn: (body) => api<SetupResult>('/api/v1/setup', { method: 'POST', body }),
  });
}

export interface SignInInput {
  workspace: string;
  email: string;
  password: string;
}

export interface SignInResult {
  user: { id: string; email: string; role: string };
  csrfToken: string;
  next: null | 'totp' | 'totp_enrolment';
}

export function useSignIn() {
  return useMutation<SignInResult, ApiError, SignInInput>({
    // A wrong password is an answer for the form, not a lost session.
    mutationFn: (body) => api<SignInResult>('/api/v1/auth/sign-in', { method: 'POST', body, expect401: true }),
  });
}
