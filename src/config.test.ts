import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const withProxy = (TRUST_PROXY: string | undefined) => loadConfig({ DATA_DIR: '/tmp/confidant-config-test', ...(TRUST_PROXY === undefined ? {} : { TRUST_PROXY }) });

describe('TRUST_PROXY', () => {
  it('trusts no proxy when unset or empty', () => {
    expect(withProxy(undefined).trustProxy).toEqual([]);
    expect(withProxy('').trustProxy).toEqual([]);
  });

  it('takes a comma-separated list of addresses and CIDRs', () => {
    expect(withProxy('127.0.0.1, ::1,10.0.0.0/8 , fd00::/8').trustProxy).toEqual(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);
  });

  it('refuses a yes/no value at start, telling the operator to list the proxies', () => {
    for (const v of ['true', 'TRUE', 'yes', 'on', '1', 'false', '0', 'no']) {
      expect(() => withProxy(v), v).toThrow(/TRUST_PROXY: .*list the addresses or CIDRs of your proxies/);
    }
  });

  it('refuses an entry that is not an address or a CIDR, and a CIDR that trusts everyone', () => {
    for (const v of ['proxy.internal', '10.0.0.1,', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '10.0.0.0/x', '2', '0.0.0.0/0', '::/0', 'loopback']) {
      expect(() => withProxy(v), v).toThrow(/Invalid configuration:\n {2}TRUST_PROXY: /);
    }
  });
});
