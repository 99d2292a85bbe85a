import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, PROBLEM_BASE, type FieldError } from '../errors.js';
import { installTextGuard } from './text.js';

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
  installTextGuard(app);
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
    // Fastify's and the plugins' own messages may quote what was sent (a JSON
    // parser's "Unexpected token … in …", a content-type): answer from a fixed
    // table instead, by status and code.
    return send(reply, clientProblem(status, err.code));
  });
}

const CLIENT_PROBLEMS: Record<string, { problem: string; title: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { problem: 'bad-request', title: 'Bad request', detail: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { problem: 'bad-request', title: 'Bad request', detail: 'The body is empty but its content-type is JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { problem: 'bad-request', title: 'Bad request', detail: 'The body does not match its Content-Length.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { problem: 'unsupported-media-type', title: 'Unsupported media type', detail: 'Send application/json (or what the operation documents).' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { problem: 'unsupported-media-type', title: 'Unsupported media type', detail: 'Send multipart/form-data.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { problem: 'too-large', title: 'Payload too large', detail: 'The body is larger than the server accepts.' },
  FST_REQ_FILE_TOO_LARGE: { problem: 'too-large', title: 'Payload too large', detail: 'The file is larger than the server accepts.' },
  FST_PARTS_LIMIT: { problem: 'too-large', title: 'Payload too large', detail: 'The form has too many parts.' },
  FST_FILES_LIMIT: { problem: 'too-large', title: 'Payload too large', detail: 'The form has too many files.' },
  FST_FIELDS_LIMIT: { problem: 'too-large', title: 'Payload too large', detail: 'The form has too many fields.' },
};

function clientProblem(status: number, code: string | undefined): ProblemBody {
  const known = code !== undefined ? CLIENT_PROBLEMS[code] : undefined;
  if (known) return { ...known, type: `${PROBLEM_BASE}${known.problem}`, status };
  const problem = status === 413 ? 'too-large' : status === 415 ? 'unsupported-media-type' : status === 429 ? 'rate-limited' : status === 404 ? 'not-found' : 'bad-request';
  const title = STATUS_CODES[status] ?? 'Bad request';
  return { type: `${PROBLEM_BASE}${problem}`, title, status, detail: 'The request could not be processed as sent.' };
}
