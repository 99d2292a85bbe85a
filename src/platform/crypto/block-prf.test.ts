import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK, BlockPrf, encodeBlock } from './block-prf.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('BlockPrf (AES-256-CMAC of one block)', () => {
  it('matches the NIST SP 800-38B AES-256 CMAC example for a one-block message', () => {
    const prf = new BlockPrf(hex('603deb10 15ca71be 2b73aef0 857d7781 1f352c07 3b6108d7 2d9810a3 0914dff4'));
    const mac = prf.macBlocks(hex('6bc1bee2 2e409f96 e93d7e11 7393172a'));
    expect(mac.toString('hex')).toBe('28a7023f452e8f82bd4bf28d8c37c35c');
  });

  it('computes many blocks in one call exactly as one at a time', () => {
    const prf = new BlockPrf(Buffer.alloc(32, 7));
    const inputs = ['jo', 'joh', 'john', 'johnny', 'zoë', 'łukasz', '東京都庁舎前', ''];
    const together = prf.many(inputs, 20);
    expect(together).toEqual(inputs.map((s) => prf.one(s, 20)));
    expect(new Set(together).size).toBe(inputs.length);
    // 20 bits kept: the low 12 bits of the 32-bit word are zero.
    for (const v of together) expect(v & 0xfff).toBe(0);
  });

  it('depends on the key', () => {
    const a = new BlockPrf(Buffer.alloc(32, 1)).one('anna', 32);
    const b = new BlockPrf(Buffer.alloc(32, 2)).one('anna', 32);
    expect(a).not.toBe(b);
  });

  it('encodes injectively: length byte, UTF-8, zero padding; long inputs hashed', () => {
    const block = (s: string) => {
      const b = Buffer.alloc(BLOCK, 0xaa);
      encodeBlock(s, b, 0);
      return b.toString('hex');
    };
    expect(block('ab')).toBe(`026162${'00'.repeat(13)}`);
    expect(block('ab')).not.toBe(block('ab\u0000'));
    expect(block('')).toBe('00'.repeat(16));
    // Six three-byte characters (18 bytes) do not fit: 0xff and a SHA-256 prefix.
    expect(block('東京都庁舎前').slice(0, 2)).toBe('ff');
    expect(block('東京都庁舎前')).not.toBe(block('東京都庁舎後'));
  });

  it('is not the HMAC of the same input (a different function: stored values change with it)', () => {
    const key = Buffer.alloc(32, 3);
    const cmac = new BlockPrf(key).one('anna', 32);
    const hmac = createHmac('sha256', key).update('anna').digest().readUInt32BE(0);
    expect(cmac).not.toBe(hmac);
  });
});
