import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '../../kernel/access.js';
import type { AppContext } from '../../kernel/context.js';
import type { Trx } from '../../platform/db/database.js';
import { queueMail } from '../../platform/mail/index.js';
import { membersWithRoles } from '../identity/index.js';

export interface NotificationsTable {
  workspace_id: string;
  id: string;
  user_id: string;
  kind: string;
  payload: NotificationPayload;
  created_at: Date;
  read_at: Date | null;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    notifications: NotificationsTable;
  }
}

/** Ids, counts, codes and flags only: a notice row never holds a personal value (the mail does, sealed). */
export type NotificationPayload = Readonly<Record<string, string | number | boolean | null>>;

export interface NotifyMembersInput {
  roles: readonly Role[];
  /** A machine code, e.g. `read_budget_exceeded`. */
  kind: string;
  payload: NotificationPayload;
  /** The readable account, mailed to each recipient on their own (no one sees the others' addresses). */
  mail: { subject: string; text: string };
}

/**
 * Tells every active member with one of `roles`: a notice row each (in-app)
 * and a mail each, both in the caller's workspace transaction so they exist
 * exactly when what caused them committed. Returns how many were told.
 */
export async function notifyMembers(trx: Trx, ctx: AppContext, input: NotifyMembersInput): Promise<number> {
  const members = await membersWithRoles(ctx, trx, input.roles);
  if (members.length === 0) return 0;
  const userIds = members.map((m) => m.userId);
  const now = ctx.now();
  await sql`
    insert into notifications (workspace_id, id, user_id, kind, payload, created_at)
    select confidant_current_workspace(), n.id, n.user_id, ${input.kind}, ${JSON.stringify(input.payload)}::jsonb, ${now}::timestamptz
    from unnest(${userIds.map(() => randomUUID())}::uuid[], ${userIds}::uuid[]) as n(id, user_id)`.execute(trx);
  // One after the other: a transaction's queries share one connection.
  for (const m of members) {
    if (m.email) await queueMail(trx, ctx.vault, { workspaceId: m.workspaceId, subjectId: null, to: m.email, ...input.mail });
  }
  return userIds.length;
}

export interface NotificationView {
  id: string;
  kind: string;
  payload: NotificationPayload;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`n1:${createdAt.toISOString()}:${id}`, 'utf8').toString('base64url');
}

/** A malformed cursor throws RangeError (a 400 at the route). */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const m = /^n1:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m?.[1] || !m[2]) throw new RangeError('invalid cursor');
  return { createdAt: new Date(m[1]), id: m[2] };
}

/** A member's own notices, newest first. */
export async function listNotifications(trx: Trx, userId: string, page: { limit: number; cursor: string | null }): Promise<NotificationPage> {
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const r = await sql<{ id: string; kind: string; payload: NotificationPayload; created_at: Date; read_at: Date | null }>`
    select id, kind, payload, created_at, read_at from notifications
    where user_id = ${userId}
      ${after ? sql`and (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
    order by created_at desc, id desc
    limit ${page.limit + 1}`.execute(trx);
  const rows = r.rows.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      payload: n.payload,
      createdAt: n.created_at.toISOString(),
      readAt: n.read_at ? n.read_at.toISOString() : null,
    })),
    nextCursor: r.rows.length > page.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** Marks one of the member's own notices read; false when it is not theirs (or does not exist). */
export async function markNotificationRead(trx: Trx, userId: string, id: string, now: Date): Promise<boolean> {
  const r = await sql`
    update notifications set read_at = coalesce(read_at, ${now}::timestamptz)
    where id = ${id} and user_id = ${userId} returning 1`.execute(trx);
  return r.rows.length > 0;
}
