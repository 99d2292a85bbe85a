/** The web UI's one door to the API: JSON in, JSON or problem+json out. */
import { plainFieldErrors, type FieldSpecs } from './form-errors.js';

export interface FieldProblem {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  /** The problem type's last segment, e.g. `slug-taken`. */
  get code(): string {
    return this.problem.type.split('/').pop() ?? '';
  }

  /**
   * Field messages keyed by the form's field names (Fastify's validation names
   * a field `body.slug`; the services name it `slug`), in plain words: `specs`
   * says what the form calls each field (form-errors.ts).
   */
  fieldErrors(specs?: FieldSpecs): Record<string, string> {
    return plainFieldErrors(this.problem.errors, specs);
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  csrfToken?: string;
  signal?: AbortSignal;
  /**
   * A 401 here is an answer to show, not a lost session: a wrong password at
   * sign-in, a wrong 2FA code. Everywhere else a 401 signs the page out.
   */
  expect401?: boolean;
}

/**
 * The CSRF token of this tab's session, from the sign-in answer, a rotation
 * (2FA, password change) or `GET /api/v1/me`. Also kept for the tab in
 * sessionStorage: a reload on the 2FA challenge cannot ask /me (the session
 * reaches only the challenge), and the challenge checks the header too.
 */
const CSRF_KEY = 'confidant.csrf';
let csrfToken: string | null = window.sessionStorage.getItem(CSRF_KEY);
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
  if (token) window.sessionStorage.setItem(CSRF_KEY, token);
  else window.sessionStorage.removeItem(CSRF_KEY);
}

/** What to do when the server says this session is gone (the app signs the page out). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const SAFE = new Set(['GET', 'HEAD']);

function headersFor(method: string, options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const csrf = options.csrfToken ?? csrfToken;
  if (!SAFE.has(method) && csrf) headers['x-csrf-token'] = csrf;
  return headers;
}

/** Any answer that carries a new CSRF token (sign-in, 2FA, password change, /me) replaces the old one. */
function rememberCsrf(data: unknown): void {
  if (typeof data === 'object' && data !== null && 'csrfToken' in data && typeof data.csrfToken === 'string' && data.csrfToken) {
    setCsrfToken(data.csrfToken);
  }
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers = headersFor(method, options);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch {
    throw new ApiError({ type: 'about:blank#network', title: 'Network error', status: 0, detail: 'The server could not be reached. Check your connection and try again.' });
  }
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : null;
  if (response.status === 401 && !options.expect401) {
    setCsrfToken(null);
    onUnauthorized?.();
  }
  if (!response.ok) {
    throw new ApiError(
      isProblem(data)
        ? data
        : { type: 'about:blank', title: response.statusText || 'Request failed', status: response.status },
    );
  }
  rememberCsrf(data);
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
