/**
 * Errors with stable problem types, mapped to HTTP in one place
 * (src/platform/http/problem.ts). The `type` URI is part of the API contract:
 * clients match on its last segment (e.g. `/sort-too-large`).
 */
export const PROBLEM_BASE = 'https://confidant.dev/problems/';

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly problem: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export const badRequest = (detail: string, errors?: FieldError[]): AppError =>
  new AppError(400, 'bad-request', 'Bad request', detail, errors);
export const validationFailed = (errors: FieldError[], detail = 'The request has invalid fields.'): AppError =>
  new AppError(422, 'validation', 'Validation failed', detail, errors);
export const unauthorized = (detail = 'Sign in to continue.'): AppError =>
  new AppError(401, 'unauthorized', 'Not signed in', detail);
export const forbidden = (detail = 'You are not allowed to do this.', problem = 'forbidden'): AppError =>
  new AppError(403, problem, 'Forbidden', detail);
/** Also the answer for another workspace's ids: never reveal that they exist. */
export const notFound = (detail = 'Not found.'): AppError => new AppError(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string, problem = 'conflict'): AppError =>
  new AppError(409, problem, 'Conflict', detail);
export const tooLarge = (detail: string): AppError => new AppError(413, 'too-large', 'Payload too large', detail);
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many requests; slow down.'): AppError =>
  new AppError(429, 'rate-limited', 'Too many requests', detail, undefined, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
export const unavailable = (retryAfterSeconds: number, detail = 'The server is busy; try again shortly.'): AppError =>
  new AppError(503, 'unavailable', 'Service unavailable', detail, undefined, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
