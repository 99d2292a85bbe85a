import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app.js';
import { unavailable } from '../errors.js';

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

  typed.get(
    '/metrics',
    { config: { permission: 'public' }, logLevel: 'warn', schema: { hide: true } },
    async (req, reply) => {
      const token = process.env.METRICS_TOKEN;
      if (token && req.headers.authorization !== `Bearer ${token}`) {
        return reply.status(401).type('text/plain').send('metrics need the METRICS_TOKEN bearer');
      }
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  );
}
