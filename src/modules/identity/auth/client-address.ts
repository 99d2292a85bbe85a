import { isIPv4, isIPv6 } from 'node:net';

/**
 * The part of a client address that throttles count by. A provider hands a
 * customer at least a /64 of IPv6, so one host can take a new address for
 * every request inside it: IPv6 counts by its /64. IPv4 counts as it is, and
 * an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket
 * reports for an IPv4 client) as the IPv4 address it carries.
 * Pure: no I/O, so the rule is tested on its own.
 */
export function addressGroup(ip: string): string {
  const bare = ip.split('%')[0] ?? ip; // a zone id (fe80::1%eth0) names a link, not a host
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const g = ipv6Groups(bare);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  }
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let s = address.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = s.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const fill = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((x) => parseInt(x, 16));
}
