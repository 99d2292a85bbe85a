import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';

/** The session cookie over plain HTTP (development on localhost): the name API.md publishes. */
export const SESSION_COOKIE = 'confidant_session';
/**
 * The session cookie over TLS. Browsers accept a `__Host-` cookie only with
 * Secure, Path=/ and no Domain, so neither a sibling subdomain nor a plain
 * HTTP page of the same host can plant or overwrite it (session fixation).
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** Whatever carries `protocol` and `cookies`: a Fastify request. */
interface CookieRequest {
  protocol: string;
  cookies: Record<string, string | undefined>;
}

/** The name the session cookie is set under for this request: `__Host-` over TLS. */
export function sessionCookieName(req: Pick<CookieRequest, 'protocol'>): string {
  return req.protocol === 'https' ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * The session cookie a request carries: the `__Host-` one always, the plain
 * one only from a request that did not come over TLS — over TLS a plain
 * cookie may have been planted by a sibling subdomain or an HTTP page.
 */
export function sessionCookieOf(req: CookieRequest): string | undefined {
  const secure = req.cookies[SECURE_SESSION_COOKIE];
  if (secure !== undefined) return secure;
  return req.protocol === 'https' ? undefined : req.cookies[SESSION_COOKIE];
}
export type { SessionStage } from '../../../kernel/auth.js';
import type { SessionStage } from '../../../kernel/auth.js';

/** Cookie values and API tokens are 256-bit random: SHA-256 is enough to store them. */
export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface IssuedSession {
  sessionId: string;
  /** The cookie value: shown to the browser once, stored only hashed. */
  token: string;
  csrfToken: string;
}

export interface NewSession {
  workspaceId: string;
  userId: string;
  stage: SessionStage;
  now: Date;
  absoluteHours: number;
  clientLabel?: string | null;
}

export async function createSession(trx: Trx, input: NewSession): Promise<IssuedSession> {
  const issued = { sessionId: randomUUID(), token: newSecret(), csrfToken: newSecret() };
  const expires = new Date(input.now.getTime() + input.absoluteHours * 3_600_000);
  await sql`
    insert into sessions (workspace_id, id, token_hash, user_id, stage, csrf_token, client_label, created_at, last_seen_at, expires_at)
    values (${input.workspaceId}, ${issued.sessionId}, ${secretHash(issued.token)}, ${input.userId}, ${input.stage},
            ${issued.csrfToken}, ${input.clientLabel ?? null}, ${input.now}, ${input.now}, ${expires})`.execute(trx);
  return issued;
}

/**
 * A new cookie value and CSRF token for the same session (at sign-in, after
 * 2FA, after a password or role change): a value seen before the change, by
 * a shoulder or a fixation attack, stops working.
 */
export async function rotateSession(trx: Trx, sessionId: string, stage?: SessionStage): Promise<IssuedSession> {
  const token = newSecret();
  const csrfToken = newSecret();
  const r = await sql`
    update sessions set token_hash = ${secretHash(token)}, csrf_token = ${csrfToken},
      stage = coalesce(${stage ?? null}, stage)
    where id = ${sessionId}`.execute(trx);
  if (Number(r.numAffectedRows ?? 0) !== 1) throw new Error('session to rotate is gone');
  return { sessionId, token, csrfToken };
}

export async function endSession(trx: Trx, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`.execute(trx);
}

/** Ends every session of a member (sign out everywhere, removal, role or password change). */
export async function endSessionsOfUser(trx: Trx, userId: string, exceptSessionId: string | null = null): Promise<number> {
  const r = await sql`delete from sessions where user_id = ${userId} and (${exceptSessionId}::uuid is null or id <> ${exceptSessionId}::uuid)`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export async function touchSession(trx: Trx, sessionId: string, now: Date): Promise<void> {
  await sql`update sessions set last_seen_at = ${now} where id = ${sessionId}`.execute(trx);
}

export interface SessionView {
  id: string;
  clientLabel: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export async function listSessions(trx: Trx, userId: string, currentId: string | null): Promise<SessionView[]> {
  const r = await sql<{ id: string; client_label: string | null; created_at: Date; last_seen_at: Date; expires_at: Date }>`
    select id, client_label, created_at, last_seen_at, expires_at from sessions
    where user_id = ${userId} and stage = 'full' order by last_seen_at desc`.execute(trx);
  return r.rows.map((s) => ({
    id: s.id,
    clientLabel: s.client_label,
    createdAt: s.created_at.toISOString(),
    lastSeenAt: s.last_seen_at.toISOString(),
    expiresAt: s.expires_at.toISOString(),
    current: s.id === currentId,
  }));
}

/** "Chrome on Linux": enough to recognise a session, not enough to identify a person. */
export function clientLabel(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Mac OS X/.test(userAgent)
      ? 'macOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/.test(userAgent)
          ? 'iOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'an unknown system';
  return `${browser} on ${os}`;
}
