import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TestApp } from '../../../test/helpers/app.js';

/** A route any signed-in member or token reaches: "does this credential still work?" */
export function probeRoutes(app: FastifyInstance): void {
  app.get('/api/v1/_probe/any', { config: { permission: 'authenticated' } }, async () => ({ ok: true }));
}

/** A test clock that starts a day ahead of real time (queued mail is due at the database's now()). */
export function testClock(): { now: () => Date; advance: (ms: number) => void } {
  let at = new Date(Date.now() + 86_400_000);
  return { now: () => at, advance: (ms) => { at = new Date(at.getTime() + ms); } };
}

export interface SentMail {
  to: string;
  subject: string;
  /** The decoded text body (quoted-printable soft breaks and escapes undone). */
  body: string;
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Sends what is queued, then reads every message the .eml fallback has written. */
export async function sentMail(h: TestApp): Promise<SentMail[]> {
  // A round claims one batch: run until nothing is left to claim.
  for (let i = 0; i < 50 && (await h.ctx.jobs.runOnce(h.ctx.now())).claimed > 0; i++);
  const dir = path.join(h.ctx.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => {
      const raw = fs.readFileSync(path.join(dir, f), 'utf8');
      const split = raw.indexOf('\n\n');
      const head = raw.slice(0, split).replace(/\n\s+/g, ' ');
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
      return { to: header('To'), subject: header('Subject'), body: decodeQuotedPrintable(raw.slice(split + 2)) };
    });
}
