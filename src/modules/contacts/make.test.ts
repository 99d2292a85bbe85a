import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clusteredIds, ID_RUN } from './make.js';

describe('clusteredIds', () => {
  it('gives valid, unique UUIDs in sorted runs of ID_RUN at unrelated places', () => {
    const ids = clusteredIds(ID_RUN * 4);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(z.uuid().safeParse(id).success, id).toBe(true);
    for (const id of ids) expect(id[14]).toBe('8'); // version 8
    const runs = [0, 1, 2, 3].map((r) => ids.slice(r * ID_RUN, (r + 1) * ID_RUN));
    for (const run of runs) {
      expect([...run].sort()).toEqual(run); // sorted within a run
      expect(new Set(run.map((id) => id.slice(0, 18))).size).toBe(1); // one prefix per run
    }
    // Four runs, four different prefixes: 60 random bits each.
    expect(new Set(runs.map((r) => r[0]!.slice(0, 18))).size).toBe(4);
  });
});
