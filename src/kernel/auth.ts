import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../platform/errors.js';
import type { Permission, Role } from './access.js';

/** A session that passed the password but not yet the second factor is at `totp`. */
export type SessionStage = 'totp' | 'full';

/** Who is asking, decided once per request by identity's auth hook. */
export interface AuthState {
  kind: 'session' | 'token';
  workspaceId: string;
  /** The member; null for a token the operator made from the CLI. */
  userId: string | null;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  sessionId: string | null;
  tokenId: string | null;
  csrfToken: string | null;
  stage: SessionStage;
  totpEnrolled: boolean;
  /** 2FA enrolment is required and missing: only enrolment, self and sign-out routes answer. */
  mustEnrol: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthState | null;
  }
}

export type AuditActor = { type: 'user' | 'token' | 'operator'; id: string | null };

/** The audit actor of a request. */
export function auditActor(auth: AuthState): AuditActor {
  if (auth.kind === 'token') return { type: 'token', id: auth.tokenId };
  return { type: 'user', id: auth.userId };
}

/** The auth state of a route that required sign-in (the hook guarantees it). */
export function requireAuth(req: FastifyRequest): AuthState {
  if (!req.auth) throw unauthorized();
  return req.auth;
}
