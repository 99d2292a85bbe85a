import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../kernel/context.js';
import { AppError } from '../../../platform/errors.js';
import { requireAuth } from '../../../kernel/auth.js';
import { acceptInvitation, invalidInvitation, invitationByToken, inviteMember } from './invitations-service.js';
import { throttleCheck, throttleFail, throttleSuccess, type ThrottleInput } from '../auth/throttle.js';
import { MAX_PASSWORD_LENGTH } from './users.js';
import { ROLES } from '../../../kernel/access.js';

const InviteBodySchema = z.object({
  email: z.string().trim().max(254).pipe(z.email('Enter an email address.')),
  role: z.enum(ROLES),
});
const InvitationSchema = z.object({ id: z.uuid(), email: z.string(), role: z.enum(ROLES), expiresAt: z.string() });
const AcceptBodySchema = z.object({
  token: z.string().max(200),
  // The length floor and the rest of the policy are createUser's (a 422 naming the field).
  password: z.string().max(MAX_PASSWORD_LENGTH),
});
const AcceptedSchema = z.object({ workspace: z.string(), email: z.string() });

/** Tokens are 43 base64url characters; anything else is not worth a database round trip. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function isInvalidInvitation(err: unknown): boolean {
  return err instanceof AppError && err.status === 422 && (err.errors ?? []).some((e) => e.path === 'token');
}

export function registerInvitationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/api/v1/invitations',
    {
      config: { permission: 'members:manage' },
      schema: {
        tags: ['identity'],
        summary: 'Invite someone by email (a single-use link valid 7 days)',
        body: InviteBodySchema,
        response: { 201: InvitationSchema },
      },
    },
    async (req, reply) => {
      const invitation = await inviteMember(ctx, requireAuth(req), req.body, String(req.id));
      return reply.status(201).send(invitation);
    },
  );

  typed.post(
    '/api/v1/invitations/accept',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'Accept an invitation: choose a password; the member is created (not signed in)',
        body: AcceptBodySchema,
        response: { 201: AcceptedSchema },
      },
    },
    async (req, reply) => {
      // One counter per client address for every invitation: guessing tokens backs off.
      const key: ThrottleInput = { scope: 'invite', account: 'invitation', ip: req.ip };
      await throttleCheck(ctx, key);
      const found = TOKEN_SHAPE.test(req.body.token) ? await invitationByToken(ctx, req.body.token) : null;
      if (!found) {
        await throttleFail(ctx, key);
        throw invalidInvitation();
      }
      try {
        const accepted = await acceptInvitation(ctx, found, req.body.password, String(req.id));
        await throttleSuccess(ctx, key);
        return await reply.status(201).send(accepted);
      } catch (err) {
        if (isInvalidInvitation(err)) await throttleFail(ctx, key);
        throw err;
      }
    },
  );
}
