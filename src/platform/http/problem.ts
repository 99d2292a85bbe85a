import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, PROBLEM_BASE, type FieldError } from '../errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
}

function send(reply: FastifyReply, body: ProblemBody, headers?: Record<string, string>): FastifyReply {
  if (headers) void reply.headers(headers);
  return reply.status(body.status).type('application/problem+json').send(body);
}

/**
 * One place maps every error to RFC 9457 problem+json. A 500 says only that
 * something failed and which request it was; the stack and any value stay in
 * the server log (which is itself redacted).
 */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) =>
    send(reply, { type: `${PROBLEM_BASE}not-found`, title: 'Not found', status: 404, detail: 'No such route.' }),
  );

  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      return send(
        reply,
        {
          type: `${PROBLEM_BASE}${err.problem}`,
          title: err.title,
          status: err.status,
          ...(err.detail ? { detail: err.detail } : {}),
          ...(err.errors ? { errors: err.errors } : {}),
        },
        err.headers,
      );
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors: FieldError[] = err.validation.map((issue) => ({
        path: [err.validationContext, ...String(issue.instancePath ?? '').split('/')]
          .filter((p): p is string => typeof p === 'string' && p !== '')
          .join('.'),
        message: issue.message ?? 'invalid',
      }));
      return send(reply, {
        type: `${PROBLEM_BASE}validation`,
        title: 'Validation failed',
        status: 400,
        detail: `The request ${err.validationContext ?? 'input'} has invalid fields.`,
        errors,
      });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err: { message: err.message } }, 'response did not match its schema');
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err }, 'unhandled error');
      return send(reply, {
        type: `${PROBLEM_BASE}internal`,
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side. Quote the request id if you report it.',
        requestId: String(req.id),
      });
    }
    const problem =
      status === 413 ? 'too-large' : status === 415 ? 'unsupported-media-type' : status === 429 ? 'rate-limited' : 'bad-request';
    // Fastify's own 4xx messages (bad JSON, too large) carry no personal data.
    return send(reply, { type: `${PROBLEM_BASE}${problem}`, title: err.name === 'FastifyError' ? 'Bad request' : err.message.slice(0, 80), status, detail: err.message });
  });
}
