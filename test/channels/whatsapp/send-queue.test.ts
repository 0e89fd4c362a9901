import { Boom } from '@hapi/boom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendQueue, isRateOverlimit } from '../../../src/channels/whatsapp/send-queue.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('send queue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps per-chat order under concurrency, even when sends take different times', async () => {
    const q = createSendQueue({ perMinute: 6000, random: () => 0 });
    const log: string[] = [];
    const work = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = Promise.all([
      q.enqueue('a', work('a1', 300)),
      q.enqueue('b', work('b1', 10)),
      q.enqueue('a', work('a2', 5)),
      q.enqueue('b', work('b2', 10)),
      q.enqueue('a', work('a3', 1)),
    ]);
    await vi.runAllTimersAsync();
    expect(await results).toEqual(['a1', 'b1', 'a2', 'b2', 'a3']);
    const a = log.filter((l) => l.endsWith('a1') || l.endsWith('a2') || l.endsWith('a3'));
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    // b was not blocked by a's slow send
    expect(log.indexOf('end b2')).toBeLessThan(log.indexOf('end a1'));
    expect(q.pending()).toBe(0);
  });

  it('respects the global rate across chats, with jitter on top', async () => {
    const q = createSendQueue({ perMinute: 60, random: () => 0.5, jitterRatio: 0.3 });
    const starts: number[] = [];
    const all = Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((chat) =>
        q.enqueue(chat, async () => {
          starts.push(Date.now());
        }),
      ),
    );
    await vi.runAllTimersAsync();
    await all;
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    // interval 1000 ms + 150 ms jitter each
    expect(gaps).toEqual([1150, 1150, 1150, 1150]);
    expect(starts[0]! - 1_000_000).toBe(150);
  });

  it('pauses everyone on rate-overlimit, then retries and succeeds', async () => {
    const q = createSendQueue({
      perMinute: 600,
      random: () => 0.5,
      jitterRatio: 0,
      overlimitBackoff: { baseMs: 10_000, jitter: 0 },
    });
    const calls: { chat: string; at: number }[] = [];
    let failures = 1;
    const first = q.enqueue('a', async () => {
      calls.push({ chat: 'a', at: Date.now() });
      if (failures-- > 0) throw new Boom('rate-overlimit', { data: 429 });
      return 'sent';
    });
    const other = q.enqueue('b', async () => {
      calls.push({ chat: 'b', at: Date.now() });
      return 'b sent';
    });
    await vi.runAllTimersAsync();
    expect(await first).toBe('sent');
    expect(await other).toBe('b sent');
    const t0 = calls[0]!.at;
    // a failed at t0; b's slot (t0 + 100) was pushed behind the 10 s pause, as was a's retry
    const later = calls.slice(1).map((c) => ({ chat: c.chat, dt: c.at - t0 }));
    expect(later.every((c) => c.dt >= 10_000)).toBe(true);
    expect(later.map((c) => c.chat).sort()).toEqual(['a', 'b']);
    // and they do not burst out together when the pause ends: still one slot (100 ms) apart
    expect(Math.abs(later[1]!.dt - later[0]!.dt)).toBeGreaterThanOrEqual(100);
  });

  it('gives up after maxRetries overlimits, and never retries other errors', async () => {
    const q = createSendQueue({ perMinute: 600, maxRetries: 2, overlimitBackoff: { baseMs: 100 } });
    const overlimit = vi.fn(async () => {
      throw Object.assign(new Error('too many'), { data: 429 });
    });
    const other = vi.fn(async () => {
      throw new Error('not-authorized');
    });
    const p1 = q.enqueue('a', overlimit);
    const p2 = q.enqueue('a', other);
    const p3 = q.enqueue('a', async () => 'still delivered');
    const settled = Promise.allSettled([p1, p2, p3]);
    await vi.runAllTimersAsync();
    const [r1, r2, r3] = await settled;
    expect(r1.status).toBe('rejected');
    expect(overlimit).toHaveBeenCalledTimes(3);
    expect(r2.status).toBe('rejected');
    expect(other).toHaveBeenCalledTimes(1);
    expect(r3).toEqual({ status: 'fulfilled', value: 'still delivered' });
  });

  it('recognises rate-overlimit errors', () => {
    expect(isRateOverlimit(new Boom('rate-overlimit', { data: 429 }))).toBe(true);
    expect(isRateOverlimit(new Boom('x', { statusCode: 429 }))).toBe(true);
    expect(isRateOverlimit(new Error('rate-overlimit'))).toBe(true);
    expect(isRateOverlimit(new Boom('Connection Closed', { statusCode: 428 }))).toBe(false);
    expect(isRateOverlimit(undefined)).toBe(false);
  });

  it('refuses a zero rate', () => {
    expect(() => createSendQueue({ perMinute: 0 })).toThrow();
  });
});
