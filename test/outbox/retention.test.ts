import { describe, expect, it } from 'vitest';
import { createOutboxRetention } from '../../src/outbox/retention.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { OutboxInput, Store } from '../../src/store/types.js';

const DAY = 86_400_000;
const msg = (id: string, chat: string): OutboxInput => ({
  id,
  chat,
  kind: 'reply',
  payload: { type: 'text', text: id },
});

/** `n` messages, one chat each, sent at `at`. */
async function sentAt(store: Store, prefix: string, n: number, at: number): Promise<void> {
  await store.outbox.enqueue(
    Array.from({ length: n }, (_, i) => msg(`${prefix}${i}`, `${prefix}-chat${i}`)),
    at,
  );
  const got = await store.outbox.claim('w', at, 1_000, n);
  for (const m of got) await store.outbox.markSent(m.id, 'w', { at });
}

describe('outbox retention', () => {
  it('deletes what was sent before the retention, in bounded runs; recent and queued messages stay', async () => {
    let now = 100 * DAY;
    const store = createMemoryStore({ now: () => now });
    await sentAt(store, 'old', 7, now - 8 * DAY);
    await sentAt(store, 'new', 3, now - 6 * DAY);
    await store.outbox.enqueue([msg('queued', 'q-chat')], now - 30 * DAY);
    const calls: number[] = [];
    const retention = createOutboxRetention({
      outbox: {
        prune: (before, limit) => {
          calls.push(limit);
          return store.outbox.prune(before, limit);
        },
      },
      keepMs: 7 * DAY,
      batch: 2,
      maxPerRun: 5,
      now: () => now,
    });
    expect(await retention.runOnce()).toBe(5);
    expect(calls).toEqual([2, 2, 1]);
    expect(await retention.runOnce()).toBe(2);
    expect(await retention.runOnce()).toBe(0);
    const left = (await store.outbox.list({ limit: 100 })).map((m) => m.id).sort();
    expect(left).toEqual(['new0', 'new1', 'new2', 'queued']);
    // Two days later the others are past the retention too; the queued one never is.
    now += 2 * DAY;
    expect(await retention.runOnce()).toBe(3);
    expect((await store.outbox.list({ limit: 100 })).map((m) => m.id)).toEqual(['queued']);
  });

  it('start runs at once then on its period; overlapping ticks share one run; stop waits for it', async () => {
    let release: (() => void) | undefined;
    let runs = 0;
    const retention = createOutboxRetention({
      outbox: {
        prune: async () => {
          runs++;
          await new Promise<void>((r) => {
            release = r;
          });
          return 0;
        },
      },
      keepMs: DAY,
      everyMs: 20,
    });
    retention.start();
    await new Promise((r) => setTimeout(r, 70));
    // Several periods went by while the first prune was still running: no second one started.
    expect(runs).toBe(1);
    const stopped = retention.stop();
    release!();
    await stopped;
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(1);
  });

  it('a failing store is logged, and the next run tries again', async () => {
    const warned: string[] = [];
    let fail = true;
    const retention = createOutboxRetention({
      outbox: {
        prune: async () => {
          if (fail) throw new Error('database unreachable');
          return 0;
        },
      },
      keepMs: DAY,
      everyMs: 20,
      logger: { warn: (_o: unknown, m: string) => warned.push(m), info: () => {} } as never,
    });
    retention.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(warned).toEqual(['outbox: pruning failed']);
    fail = false;
    await expect(retention.runOnce()).resolves.toBe(0);
    await retention.stop();
  });
});
