import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, encodeAad, gcmOpen, gcmSeal, truncateBits } from './envelope.js';
import { TtlLru } from './lru.js';

const key = randomBytes(32);
const aad = encodeAad(['field', 'ws', 'row', 1]);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecryptionError) return e.code;
    throw e;
  }
  return 'opened';
}

describe('envelope', () => {
  it('uses a fresh nonce per encryption', () => {
    const a = gcmSeal(key, 1, aad, Buffer.from('same'));
    const b = gcmSeal(key, 1, aad, Buffer.from('same'));
    expect(a.subarray(5, 17).equals(b.subarray(5, 17))).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(gcmOpen(key, 1, aad, a).toString()).toBe('same');
  });

  it('refuses a ciphertext cut down to a 4-byte tag, which Node would otherwise accept', () => {
    const ct = gcmSeal(key, 1, aad, Buffer.from('secret value'));
    const body = ct.subarray(17, ct.length - 16);
    const shortTag = Buffer.concat([ct.subarray(0, 17), body, ct.subarray(ct.length - 16, ct.length - 12)]);
    // Without authTagLength pinned, Node accepts the short tag: the reason it is pinned.
    const lax = createDecipheriv('aes-256-gcm', key, ct.subarray(5, 17));
    lax.setAAD(ct.subarray(0, 5));
    lax.setAAD(aad);
    lax.setAuthTag(ct.subarray(ct.length - 16, ct.length - 12));
    expect(Buffer.concat([lax.update(body), lax.final()]).toString()).toBe('secret value');
    expect(codeOf(() => gcmOpen(key, 1, aad, shortTag))).toBe('tampered');
  });

  it('binds the associated data and the key version', () => {
    const ct = gcmSeal(key, 3, aad, Buffer.from('x'));
    expect(codeOf(() => gcmOpen(key, 3, encodeAad(['field', 'ws', 'row', 2]), ct))).toBe('tampered');
    expect(codeOf(() => gcmOpen(key, 4, aad, ct))).toBe('tampered');
    expect(codeOf(() => gcmOpen(randomBytes(32), 3, aad, ct))).toBe('tampered');
    expect(codeOf(() => gcmOpen(key, 3, aad, Buffer.alloc(10)))).toBe('bad_format');
  });

  it('encodes associated data without ambiguity', () => {
    expect(encodeAad(['ab', 'c']).equals(encodeAad(['a', 'bc']))).toBe(false);
    expect(encodeAad([1]).equals(encodeAad(['1']))).toBe(false);
  });

  it('truncates blind indexes to the width asked', () => {
    const d = Buffer.alloc(32, 0xff);
    expect(truncateBits(d, 32)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(truncateBits(d, 20)).toEqual(Buffer.from([0xff, 0xff, 0xf0]));
    expect(() => truncateBits(d, 4)).toThrow(RangeError);
  });
});

describe('TtlLru', () => {
  it('evicts the least recently used beyond its size and anything past its TTL', () => {
    let now = 0;
    const c = new TtlLru<string>(2, 1000, () => now);
    c.set('a', 'A');
    c.set('b', 'B');
    expect(c.get('a')).toBe('A'); // a is now the most recent
    c.set('c', 'C');
    expect(c.get('b')).toBeUndefined();
    expect(c.size).toBe(2);
    now = 1000;
    expect(c.get('a')).toBeUndefined();
    expect(c.get('c')).toBeUndefined();
  });
});
