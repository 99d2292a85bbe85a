/**
 * Errors raised before a route runs, by Fastify's router or by Node's HTTP
 * parser, answered as problem+json like every other error (problem.ts) and
 * never echoing the URL, a header or a value: a bad percent-encoding in the
 * path, a path parameter past `maxParamLength`, a URL or headers past Node's
 * header size, conflicting Transfer-Encoding and Content-Length, an `Expect`
 * the server does not meet.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_BASE } from '../errors.js';

interface Problem {
  status: number;
  problem: string;
  title: string;
  detail: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

function body(p: Problem): string {
  return JSON.stringify({ type: `${PROBLEM_BASE}${p.problem}`, title: p.title, status: p.status, detail: p.detail });
}

const BAD_URL: Problem = { status: 400, problem: 'bad-url', title: 'Bad request', detail: 'The path is not validly percent-encoded.' };
const PARAM_TOO_LONG: Problem = { status: 414, problem: 'uri-too-long', title: 'URI too long', detail: 'A path parameter is longer than any id.' };

/** Fastify's `frameworkErrors`: the router's errors, before any route or hook. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const p = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? PARAM_TOO_LONG
    : err.code === 'FST_ERR_BAD_URL'
      ? BAD_URL
      : { status: 400, problem: 'bad-request', title: 'Bad request', detail: 'The request could not be routed.' };
  void reply.status(p.status).type(PROBLEM_CONTENT_TYPE).send(body(p));
}

function clientProblem(code: string | undefined): Problem {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, problem: 'headers-too-large', title: 'Request header fields too large', detail: 'The URL or the headers are too long.' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_REQUEST_HEADERS_TIMEOUT') {
    return { status: 408, problem: 'timeout', title: 'Request timeout', detail: 'The request did not arrive in time.' };
  }
  return { status: 400, problem: 'bad-request', title: 'Bad request', detail: 'The request is not valid HTTP/1.1 (for example, conflicting Transfer-Encoding and Content-Length).' };
}

/** Fastify's `clientErrorHandler`: what Node's parser refused, written to the socket as it was left. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const p = clientProblem(err.code);
  const text = body(p);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? 'Error'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

/** Node answers an `Expect` other than 100-continue with a bare 417 unless someone listens. */
export function installExpectationHandler(server: Server): void {
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const text = body({ status: 417, problem: 'expectation-failed', title: 'Expectation failed', detail: 'Only "Expect: 100-continue" is supported.' });
    res.writeHead(417, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), connection: 'close' });
    res.end(text);
  });
}
