import fs from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../../../test/helpers/app.js';
import type { SignedIn } from '../../../../test/helpers/auth.js';
import { createSession } from '../auth/sessions.js';
import { totpOf } from './totp.js';

/** The code an authenticator app would show for this secret at this moment. */
export function codeAt(secret: string, at: Date): string {
  return totpOf(secret).generate({ timestamp: at.getTime() });
}

/** The new session cookie a response set, as a `cookie` header value. */
export function newCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'confidant_session');
  expect(c, 'the response sets a new session cookie').toBeDefined();
  return `confidant_session=${c!.value}`;
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** Headers of the rotated session. */
  headers: Record<string, string>;
}

/** Enrols a signed-in member through the API at the app's current time. */
export async function enrolViaApi(h: TestApp, member: Pick<SignedIn, 'headers'>): Promise<Enrolled> {
  const start = await h.app.inject({ method: 'POST', url: '/api/v1/auth/totp/enrolment', headers: member.headers, payload: {} });
  expect(start.statusCode).toBe(200);
  const { secret } = start.json<{ secret: string }>();
  const confirm = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/totp/enrolment/confirm',
    headers: member.headers,
    payload: { code: codeAt(secret, h.ctx.now()) },
  });
  expect(confirm.statusCode).toBe(200);
  const body = confirm.json<{ recoveryCodes: string[]; csrfToken: string }>();
  const cookie = newCookie(confirm);
  return { secret, recoveryCodes: body.recoveryCodes, headers: { cookie, 'x-csrf-token': body.csrfToken } };
}

/** A session that passed the password but not yet the second factor. */
export async function pendingSession(h: TestApp, workspaceId: string, userId: string): Promise<Record<string, string>> {
  const s = await h.ctx.db.withWorkspace(workspaceId, (trx) =>
    createSession(trx, { workspaceId, userId, stage: 'totp', now: h.ctx.now(), absoluteHours: h.ctx.config.sessions.absoluteHours }),
  );
  return { cookie: `confidant_session=${s.token}`, 'x-csrf-token': s.csrfToken };
}

/** Every message the development transport wrote, as text. */
export function outboxMessages(h: TestApp): string[] {
  const dir = path.join(h.ctx.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}
