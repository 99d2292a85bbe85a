import { describe, expect, it } from 'vitest';
import { BlindSet } from './blind-set.js';

describe('BlindSet', () => {
  it('holds exactly the values added, through growth, including 0 and 2^32-1', () => {
    const set = new BlindSet(4);
    const added = new Set<number>();
    let x = 12345;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      set.add(x);
      added.add(x);
    }
    set.add(0);
    set.add(0xffffffff);
    added.add(0);
    added.add(0xffffffff);
    expect(set.size).toBe(added.size);
    for (const v of added) expect(set.has(v)).toBe(true);
    let misses = 0;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 22695477) + 1) >>> 0;
      if (!added.has(x) && set.has(x)) misses += 1;
    }
    expect(misses).toBe(0);
  });

  it('adding twice counts once', () => {
    const set = new BlindSet();
    set.add(7);
    set.add(7);
    expect(set.size).toBe(1);
    expect(set.has(8)).toBe(false);
  });
});
