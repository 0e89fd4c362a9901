import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/conversation/rate-limit.js';

describe('per-customer message limit', () => {
  it('answers the first message over the limit once, then drops until the window has passed', () => {
    const r = createRateLimiter(3);
    const t0 = 1_000_000;
    expect([0, 1, 2].map((i) => r.hit('a', t0 + i))).toEqual(['ok', 'ok', 'ok']);
    expect(r.hit('a', t0 + 10)).toBe('refuse');
    expect(r.hit('a', t0 + 20)).toBe('drop');
    // Another customer is not affected.
    expect(r.hit('b', t0 + 20)).toBe('ok');
    // A minute after the first messages: allowed again, and warned again if over.
    expect(r.hit('a', t0 + 60_003)).toBe('ok');
  });

  it('keeps counting every customer right with more than 10 000 of them active in one minute', () => {
    const r = createRateLimiter(2);
    const t0 = 5_000_000;
    for (let i = 0; i < 25_000; i++) expect(r.hit(`c${i}`, t0 + i)).toBe('ok');
    for (let i = 0; i < 25_000; i += 1000) {
      expect(r.hit(`c${i}`, t0 + 30_000)).toBe('ok');
      expect(r.hit(`c${i}`, t0 + 30_001)).toBe('refuse');
    }
    // Past the window: every customer starts again (idle ones were pruned, the others expired).
    expect(r.hit('c1', t0 + 200_000)).toBe('ok');
    expect(r.hit('c0', t0 + 200_000)).toBe('ok');
  });
});
