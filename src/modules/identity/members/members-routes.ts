import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import { inWorkspace } from '../../../kernel/route.js';
import { badRequest } from '../../../platform/errors.js';
import { requireAuth } from '../../../kernel/auth.js';
import { memberPage } from './members-queries.js';
import { changeMemberRole, memberView, removeMember } from './members-service.js';
import { setSessionCookie } from '../auth/auth-common.js';
import { ROLES } from '../../../kernel/access.js';

export const MemberSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(ROLES),
  totpEnrolled: z.boolean(),
  lastSeenAt: z.string().nullable(),
  /** Whether you may reset this member's 2FA (owners: anyone else's; admins: sales, support and auditors; tokens: never). */
  canResetTotp: z.boolean(),
});

const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
const MemberParamsSchema = z.object({ id: z.uuid() });
const RoleBodySchema = z.object({ role: z.enum(ROLES) });
const RoleChangedSchema = MemberSchema.extend({
  /** Only when you changed your own role: the session rotated, and this is its new CSRF token. */
  csrfToken: z.string().optional(),
});

/** The keyset cursor: the last item's (created_at, id), opaque to clients. */
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !id || !z.uuid().safeParse(id).success) throw badRequest('The cursor is not valid.');
  return { createdAt, id };
}

/**
 * The team page's routes. Listing members needs members:manage, like changing
 * them: a member who cannot manage the team has no need for everyone's email.
 */
export function registerMemberRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/members',
    {
      config: { permission: 'members:manage' },
      schema: {
        tags: ['identity'],
        summary: 'The workspace members',
        querystring: ListQuerySchema,
        response: { 200: z.object({ items: z.array(MemberSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => {
      const after = decodeCursor(req.query.cursor);
      return inWorkspace(ctx, req, async (trx, auth) => {
        const rows = await memberPage(trx, after, req.query.limit + 1);
        const page = rows.slice(0, req.query.limit);
        const items = [];
        for (const row of page) items.push(await memberView(trx, ctx, auth, row));
        const last = page[page.length - 1];
        return { items, nextCursor: rows.length > page.length && last ? encodeCursor(last.created_at, last.id) : null };
      });
    },
  );

  typed.patch(
    '/api/v1/members/:id',
    {
      config: { permission: 'members:manage' },
      schema: {
        tags: ['identity'],
        summary: "Change a member's role (ends their sessions and revokes the tokens they made)",
        params: MemberParamsSchema,
        body: RoleBodySchema,
        response: { 200: RoleChangedSchema },
      },
    },
    async (req, reply) => {
      const auth = requireAuth(req);
      const { member, rotated } = await changeMemberRole(ctx, auth, req.params.id, req.body.role, String(req.id));
      if (!rotated) return member;
      setSessionCookie(req, reply, rotated.token);
      return { ...member, csrfToken: rotated.csrfToken };
    },
  );

  typed.delete(
    '/api/v1/members/:id',
    {
      config: { permission: 'members:manage' },
      schema: { tags: ['identity'], summary: 'Remove a member', params: MemberParamsSchema, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await removeMember(ctx, requireAuth(req), req.params.id, String(req.id));
      return reply.status(204).send(null);
    },
  );
}
