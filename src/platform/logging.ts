import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line. Request bodies are not logged at
 * all; these catch personal data and secrets that slip into a log object.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'req.body',
  '*.password',
  '*.email',
  '*.token',
  '*.secret',
  '*.firstName',
  '*.lastName',
  '*.phone',
  '*.ip',
  'email',
  'password',
  'token',
];

const EMAIL_RE = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[a-z]{2,}/gi;
const IPV4_RE = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const PHONE_RE = /\+?\d[\d ().-]{7,}\d/g;

/**
 * Error messages are written by people and libraries that may quote a value
 * ("duplicate key (email)=(ada@…)"). Before an error reaches a log line its
 * message and stack lose anything shaped like an email, an IP or a phone.
 */
export function scrubPersonal(text: string): string {
  return text.replace(EMAIL_RE, '[email]').replace(IPV4_RE, '[ip]').replace(PHONE_RE, '[number]');
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: scrubPersonal(err.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(err.stack ? { stack: scrubPersonal(err.stack) } : {}),
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'confidant' },
      serializers: {
        // Only method, route and id: query strings can carry search terms (personal data).
        req: (req: { method?: string; routeOptions?: { url?: string }; id?: string }) => ({
          method: req.method,
          route: req.routeOptions?.url,
          id: req.id,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
    },
    destination,
  );
}
