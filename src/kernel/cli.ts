import { AppError } from '../platform/errors.js';

/**
 * A problem as one CLI error message; field messages never echo the values.
 * Every module's operator commands end their failures through this, so the
 * CLI words a problem the same way whichever module raised it.
 */
export function describeCliError(err: unknown): Error {
  if (!(err instanceof AppError)) return err instanceof Error ? err : new Error(String(err));
  const fields = (err.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
  return new Error(`${err.detail ?? err.title}${fields}`);
}
