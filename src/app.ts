import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from './kernel/context.js';
import type { ModuleDefinition } from './kernel/module.js';
import { MODULES } from './modules/index.js';
import { installProblemHandlers } from './platform/http/problem.js';
import { clientErrorHandler, frameworkErrors, installExpectationHandler } from './platform/http/framework-errors.js';
import { registerHealthRoutes } from './platform/http/health.js';
import { installAuthHook } from './modules/identity/index.js';

export type { AppContext } from './kernel/context.js';

/** A path parameter is an id or a slug: 100 characters is far past any (a longer one is a 414 problem). */
const MAX_PARAM_LENGTH = 100;

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

export interface BuildOptions {
  /** Collects every registered route (for the permission test). */
  onRoute?: (route: RouteOptions) => void;
  /** The modules whose routes are served (default: all, src/modules/index.ts); pass the same list as to createAppContext. */
  modules?: readonly ModuleDefinition[];
  /** Extra routes registered after the modules' (tests add probes here). */
  extraRoutes?: Array<(app: FastifyInstance, ctx: AppContext) => Promise<void> | void>;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  // Typed as the default instance: pino's Logger is a FastifyBaseLogger, and
  // modules should not depend on which logger the root was built with.
  const app = Fastify({
    loggerInstance: ctx.logger,
    // Only the listed proxies may say who the client is (proxy-addr matches
    // addresses and CIDRs, IPv4-mapped peers included); no list, no belief.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Router and Node-level errors are problem+json too, never echoing the URL.
    frameworkErrors,
    clientErrorHandler,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  }) as unknown as FastifyInstance;
  installExpectationHandler(app.server);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  installProblemHandlers(app);

  await app.register(fastifyHelmet, {
    // HSTS only means something over TLS; added per request below.
    hsts: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets CSS variables through style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.protocol === 'https') {
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    void reply.header('x-request-id', String(req.id));
  });
  await app.register(fastifyCookie);
  // Every request is authorized by its route's declared permission before anything else runs.
  installAuthHook(app, ctx);

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.config.routeLabel ?? req.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Confidant API', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // One scheme can name one cookie: the plain-HTTP name, as API.md publishes it.
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'confidant_session',
            description:
              'The session cookie of the web UI, set by POST /api/v1/auth/sign-in. Over TLS (directly or through a proxy named in ' +
              'TRUST_PROXY) it is named `__Host-confidant_session` (Secure, Path=/, no Domain) and only that name is accepted; ' +
              'over plain HTTP (development on localhost) it is `confidant_session`. State-changing requests also send X-CSRF-Token.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(async (scope) => {
    scope.addHook('onRoute', markPublic);
    await scope.register(fastifySwaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { deepLinking: false },
      staticCSP: true,
    });
  });

  registerHealthRoutes(app, ctx);
  for (const m of options.modules ?? MODULES) await m.routes?.(app, ctx);
  for (const register of options.extraRoutes ?? []) await register(app, ctx);

  // The web UI: built files at /, and every unknown non-API GET gets index.html
  // so client-side routes survive a reload.
  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(async (scope) => {
      scope.addHook('onRoute', markPublic);
      await scope.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false });
      scope.get('/*', { schema: { hide: true } }, (req, reply) => {
        if (req.url.startsWith('/api/') || req.url.startsWith('/p/')) {
          return reply.callNotFound();
        }
        return reply.type('text/html').sendFile('index.html');
      });
    });
  }
  return app;
}

/** Routes that plugins add for static files and the API docs are public by nature. */
function markPublic(route: RouteOptions): void {
  route.config = { ...(route.config ?? {}), permission: route.config?.permission ?? 'public' };
}
