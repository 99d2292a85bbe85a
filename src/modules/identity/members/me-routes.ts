import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import { notFound } from '../../../platform/errors.js';
import { requireAuth } from '../auth/auth-hook.js';
import { ROLES } from './users.js';
import { workspaceFacts } from '../workspace-facts.js';

export const MeSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(ROLES),
  workspaceId: z.uuid(),
  workspaceSlug: z.string(),
  totpEnrolled: z.boolean(),
  mustEnrol: z.boolean(),
  permissions: z.array(z.string()),
  csrfToken: z.string(),
});

/** `GET /api/v1/me`: who I am, what I may do, and the CSRF token after a reload. */
export function registerMeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/me',
    { config: { permission: 'self' }, schema: { tags: ['identity'], response: { 200: MeSchema } } },
    async (req) => {
      const auth = requireAuth(req);
      const userId = auth.userId;
      if (!userId || auth.kind !== 'session' || !auth.role) throw notFound();
      return ctx.db.withWorkspace(auth.workspaceId, async (trx) => {
        const r = await sql<{ email_ciphertext: Buffer; record_version: number; workspace_id: string }>`
          select u.email_ciphertext, u.record_version, u.workspace_id from users u
          where u.id = ${userId}`.execute(trx);
        const row = r.rows[0];
        // The member's own workspace (the old inner join): none seen, not found.
        const ws = row ? await workspaceFacts(ctx.hooks, trx, row.workspace_id) : null;
        if (!row || !ws) throw notFound();
        const email = await ctx.vault.open(
          trx,
          { workspaceId: auth.workspaceId, subjectId: null, table: 'users', rowId: userId, column: 'email', recordVersion: row.record_version },
          row.email_ciphertext,
        );
        return {
          id: userId,
          email: email.toString('utf8'),
          role: auth.role!,
          workspaceId: auth.workspaceId,
          workspaceSlug: ws.slug,
          totpEnrolled: auth.totpEnrolled,
          mustEnrol: auth.mustEnrol,
          permissions: [...auth.permissions].sort(),
          csrfToken: auth.csrfToken ?? '',
        };
      });
    },
  );
}
