import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import { inWorkspace } from '../../../kernel/route.js';
import { notFound } from '../../../platform/errors.js';
import { ROLE_DESCRIPTIONS, ROLE_PERMISSIONS } from './permissions.js';
import { PERMISSIONS } from '../../../kernel/access.js';
import { ROLES } from '../../../kernel/access.js';
import { workspaceFacts } from '../workspace-facts.js';

/**
 * The whole permission matrix, sent with /me so the web UI shows the server's
 * own table (team page, home page) without importing server code. The same
 * for every member: it says what each role may do, not what this member may.
 * A role's text is its `summary`: `description` names a deal's text, a personal
 * field for the read rule (reads/answer.ts), which this is not.
 */
const PermissionMatrixSchema = z.object({
  permissions: z.array(z.enum(PERMISSIONS)),
  roles: z.array(z.object({ role: z.enum(ROLES), summary: z.string(), permissions: z.array(z.enum(PERMISSIONS)) })),
});

const PERMISSION_MATRIX: z.infer<typeof PermissionMatrixSchema> = {
  permissions: [...PERMISSIONS],
  roles: ROLES.map((role) => ({ role, summary: ROLE_DESCRIPTIONS[role], permissions: [...ROLE_PERMISSIONS[role]] })),
};

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
  permissionMatrix: PermissionMatrixSchema,
});

/** `GET /api/v1/me`: who I am, what I may do, and the CSRF token after a reload. */
export function registerMeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/me',
    { config: { permission: 'self' }, schema: { tags: ['identity'], response: { 200: MeSchema } } },
    async (req) =>
      inWorkspace(ctx, req, async (trx, auth) => {
        const userId = auth.userId;
        if (!userId || auth.kind !== 'session' || !auth.role) throw notFound();
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
          role: auth.role,
          workspaceId: auth.workspaceId,
          workspaceSlug: ws.slug,
          totpEnrolled: auth.totpEnrolled,
          mustEnrol: auth.mustEnrol,
          permissions: [...auth.permissions].sort(),
          csrfToken: auth.csrfToken ?? '',
          permissionMatrix: PERMISSION_MATRIX,
        };
      }),
  );
}
