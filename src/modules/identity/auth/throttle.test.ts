import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { takeQuota } from './throttle.js';

let clock = new Date('2026-11-23T09:00:00Z');
let h: TestApp;
beforeAll(async () => {
  h = await createTestApp({ now: () => clock });
});
afterAll(async () => {
  await h?.close();
});

const at = (minutes: number) => new Date(Date.parse('2026-11-23T09:00:00Z') + minutes * 60_000);

describe('takeQuota', () => {
  it('allows a burst of the limit, then one per window: never more than the limit in any window', async () => {
    const take = async (minutes: number) => {
      clock = at(minutes);
      return takeQuota(h.ctx, { name: 'reset_mail', account: 'ws\nrationed@example.org', limit: 3, windowSeconds: 3600 });
    };
    const allowed: number[] = [];
    for (const m of [0, 0, 10, 20, 59, 60, 61, 90, 119, 120, 121, 300, 300, 300, 300]) if (await take(m)) allowed.push(m);
    // Quiet long enough, the whole burst is back.
    expect(allowed).toEqual([0, 0, 10, 60, 120, 300, 300, 300]);
    // Whatever the window's start, it never holds more than the limit.
    for (const start of allowed) expect(allowed.filter((m) => m >= start && m < start + 60).length).toBeLessThanOrEqual(3);
  });

  it('lets exactly the limit through when many ask at once', async () => {
    clock = at(1000);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => takeQuota(h.ctx, { name: 'reset_mail', account: 'ws\nconcurrent@example.org', limit: 3, windowSeconds: 3600 })),
    );
    expect(answers.filter(Boolean)).toHaveLength(3);
  });

  it('keeps one quota per account', async () => {
    clock = at(2000);
    for (let i = 0; i < 3; i++) await takeQuota(h.ctx, { name: 'reset_mail', account: 'ws\none@example.org', limit: 3, windowSeconds: 3600 });
    expect(await takeQuota(h.ctx, { name: 'reset_mail', account: 'ws\none@example.org', limit: 3, windowSeconds: 3600 })).toBe(false);
    expect(await takeQuota(h.ctx, { name: 'reset_mail', account: 'ws\ntwo@example.org', limit: 3, windowSeconds: 3600 })).toBe(true);
  });
});
