import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../../src/platform/audit/index.js';
import { createSession, createUser, insertApiToken } from '../../src/modules/identity/index.js';
import type { Role } from '../../src/kernel/access.js';
import { createWorkspace } from '../../src/modules/workspaces/service.js';
import type { TestApp } from './app.js';

export const TEST_PASSWORD = 'a test password of some length';

export interface SignedIn {
  workspaceId: string;
  userId: string;
  email: string;
  /** `cookie` header value for inject(). */
  cookie: string;
  csrf: string;
  sessionId: string;
  /** Headers for a state-changing cookie request. */
  headers: Record<string, string>;
}

/** A new workspace whose owner exists; returns its id and slug. */
export async function makeWorkspace(h: TestApp, slug = `ws-${randomUUID().slice(0, 8)}`): Promise<{ workspaceId: string; ownerId: string; slug: string; ownerEmail: string }> {
  const ownerEmail = `owner@${slug}.example`;
  const created = await createWorkspace(
    { db: h.ctx.db, vault: h.ctx.vault, recordAudit },
    { name: slug, slug, ownerEmail, ownerPassword: TEST_PASSWORD, now: h.ctx.now() },
  );
  return { workspaceId: created.workspaceId, ownerId: created.ownerUserId, slug, ownerEmail };
}

/**
 * A member of `workspaceId` with `role`, signed in with a full session (as if
 * the password and, where required, 2FA had been passed). `enrolled` marks
 * TOTP as enrolled so roles that require 2FA are not stopped at enrolment.
 */
export async function signInAs(
  h: TestApp,
  workspaceId: string,
  role: Role,
  options: { enrolled?: boolean; userId?: string; email?: string } = {},
): Promise<SignedIn> {
  const now = h.ctx.now();
  return h.ctx.db.withWorkspace(workspaceId, async (trx) => {
    let userId = options.userId;
    const email = options.email ?? `${role}-${randomUUID().slice(0, 8)}@members.example`;
    if (!userId) {
      userId = (await createUser(trx, h.ctx.vault, { workspaceId, email, password: TEST_PASSWORD, role, now })).id;
    }
    if (options.enrolled ?? true) {
      await sql`update users set totp_enrolled_at = ${now} where id = ${userId}`.execute(trx);
    }
    const s = await createSession(trx, { workspaceId, userId, stage: 'full', now, absoluteHours: h.ctx.config.sessions.absoluteHours });
    const cookie = `confidant_session=${s.token}`;
    return { workspaceId, userId, email, cookie, csrf: s.csrfToken, sessionId: s.sessionId, headers: { cookie, 'x-csrf-token': s.csrfToken } };
  });
}

export async function tokenFor(h: TestApp, workspaceId: string, scopes: string[], createdBy: string | null): Promise<string> {
  const t = await h.ctx.db.withWorkspace(workspaceId, (trx) =>
    insertApiToken(trx, { workspaceId, name: `t-${randomUUID().slice(0, 8)}`, scopes, createdBy, now: h.ctx.now() }),
  );
  return t.token;
}
