import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../kernel/context.js';
import { AppError, unavailable } from '../errors.js';
import { metricsAccess } from './metrics-access.js';

/** Liveness, readiness and Prometheus metrics: what an orchestrator and a scraper ask. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const Status = z.object({ status: z.enum(['ok', 'unavailable']) });

  typed.get(
    '/healthz',
    { config: { permission: 'public' }, logLevel: 'warn', schema: { tags: ['operations'], response: { 200: Status } } },
    async () => ({ status: 'ok' as const }),
  );

  typed.get(
    '/readyz',
    { config: { permission: 'public' }, logLevel: 'warn', schema: { tags: ['operations'], response: { 200: Status } } },
    async () => {
      try {
        await ctx.db.ping();
      } catch {
        throw unavailable(5, 'The database is not reachable.');
      }
      return { status: 'ok' as const };
    },
  );

  ctx.metrics.gauge('confidant_db_pool_connections', 'Database pool connections in use', () => {
    const s = ctx.db.poolStats();
    return s.total - s.idle;
  });
  ctx.metrics.gauge('confidant_db_pool_waiting', 'Requests waiting for a database connection', () => ctx.db.poolStats().waiting);

  // Off (an ordinary 404) when bound beyond loopback without METRICS_TOKEN:
  // nothing tells a prober the route exists (docs/configuration.md).
  const access = metricsAccess(ctx.config);
  typed.get(
    '/metrics',
    { config: { permission: 'public' }, logLevel: 'warn', schema: { hide: true } },
    async (req, reply) => {
      if (access.kind === 'off') return reply.callNotFound();
      if (access.kind === 'token' && !access.check(req.headers.authorization)) {
        throw new AppError(401, 'unauthorized', 'Not signed in', 'The metrics need the METRICS_TOKEN bearer.', undefined, {
          'www-authenticate': 'Bearer realm="metrics"',
        });
      }
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  );
}
