import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { Config } from '../../config.js';

/**
 * Who may read /metrics. Its gauges tell an outsider how busy the server is,
 * how deep its job queue runs and how far the audit chainer lags, so it is
 * served without a token only when the server listens on loopback alone.
 */
export type MetricsAccess =
  | { kind: 'open' }
  | { kind: 'token'; check: (authorization: string | undefined) => boolean }
  | { kind: 'off' };

/** Whether HOST names only the loopback interface (not 0.0.0.0, ::, or a routable address). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Compares a bearer header with the token in constant time: both sides are
 * HMACed under a key of this process first, so the comparison always runs
 * over 32 bytes whatever the lengths given.
 */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  const key = randomBytes(32);
  const mac = (value: string): Buffer => createHmac('sha256', key).update(value, 'utf8').digest();
  const expected = mac(token);
  return (authorization) => {
    const m = /^Bearer (.+)$/.exec(authorization ?? '');
    return timingSafeEqual(mac(m?.[1] ?? ''), expected) && m !== null;
  };
}

export function metricsAccess(config: Pick<Config, 'host' | 'metricsToken'>): MetricsAccess {
  if (config.metricsToken) return { kind: 'token', check: bearerChecker(config.metricsToken) };
  return isLoopbackHost(config.host) ? { kind: 'open' } : { kind: 'off' };
}

/** The one-line warning `start` logs when /metrics is off; null otherwise. */
export function metricsStartupNotice(config: Pick<Config, 'host' | 'metricsToken'>): string | null {
  if (metricsAccess(config).kind !== 'off') return null;
  return `/metrics is off: HOST=${config.host} is not loopback and METRICS_TOKEN is not set (set METRICS_TOKEN to scrape it)`;
}
