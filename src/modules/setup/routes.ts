import type { FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../kernel/context.js';
import { OwnerEmailSchema, OwnerPasswordSchema, SlugSchema, WorkspaceNameSchema, workspaceDepsFor, type WorkspaceDeps } from '../workspaces/index.js';
import { completeSetup, isSetupOpen } from './service.js';

export const SetupBodySchema = z.object({
  token: z.string().min(1).max(200),
  workspaceName: WorkspaceNameSchema,
  slug: SlugSchema,
  ownerEmail: OwnerEmailSchema,
  ownerPassword: OwnerPasswordSchema,
});

const SetupCreatedSchema = z.object({ workspaceId: z.uuid(), ownerUserId: z.uuid(), slug: z.string() });
const SetupStatusSchema = z.object({ open: z.boolean() });

/** Guessing a 256-bit token is hopeless; the bound keeps argon2 and the database calm anyway. */
const SETUP_ATTEMPTS_PER_MINUTE = 10;

/** Builds the setup module over the given dependencies (tests pass their own vault). */
export function setupRoutes(depsFor: (ctx: AppContext) => Promise<WorkspaceDeps>) {
  return async (app: FastifyInstance, ctx: AppContext): Promise<void> => {
    await app.register(async (scope) => {
      await scope.register(fastifyRateLimit, { global: false });
      const typed = scope.withTypeProvider<ZodTypeProvider>();

      typed.get(
        '/api/v1/setup',
        { config: { permission: 'public' }, schema: { tags: ['setup'], response: { 200: SetupStatusSchema } } },
        async () => ({ open: await isSetupOpen(ctx.db) }),
      );

      typed.post(
        '/api/v1/setup',
        {
          config: {
            permission: 'public',
            rateLimit: { max: SETUP_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute' },
          },
          schema: {
            tags: ['setup'],
            summary: 'First-run setup: the first workspace and its owner, with the one-time token',
            body: SetupBodySchema,
            response: { 201: SetupCreatedSchema },
          },
        },
        async (req, reply) => {
          const created = await completeSetup(await depsFor(ctx), req.body, ctx.now());
          return reply.status(201).send({ ...created, slug: req.body.slug });
        },
      );
    });
  };
}

/** The setup module for buildApp's `modules`. */
export const registerSetupRoutes = setupRoutes(workspaceDepsFor);
