// Outbox retention: finished messages (sent or failed) older than the retention are deleted in bounded
// batches, every few minutes, so the store holds what is in flight plus recent history, not every message
// ever sent. Safe on every instance at once: a delete of rows already gone deletes nothing.
import type { Logger } from '../logger.js';
import type { OutboxRepo } from '../store/types.js';

export interface OutboxRetentionDeps {
  outbox: Pick<OutboxRepo, 'prune'>;
  /** Finished messages are kept this long after they were sent or failed. */
  keepMs: number;
  /** Time between runs (default 10 minutes). */
  everyMs?: number;
  /** Rows per prune call, i.e. per store write (default 1 000). */
  batch?: number;
  /** At most this many rows per run, so a first run on a long history never monopolises the store. */
  maxPerRun?: number;
  now?: () => number;
  logger?: Logger;
}

export interface OutboxRetention {
  /** One run: batches until one comes back short or maxPerRun is reached; returns the rows deleted. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

export function createOutboxRetention(deps: OutboxRetentionDeps): OutboxRetention {
  const everyMs = deps.everyMs ?? 10 * 60_000;
  const batch = Math.max(1, deps.batch ?? 1_000);
  const maxPerRun = deps.maxPerRun ?? 50 * batch;
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const run = async (): Promise<number> => {
    const before = now() - deps.keepMs;
    let total = 0;
    while (total < maxPerRun) {
      const want = Math.min(batch, maxPerRun - total);
      const n = await deps.outbox.prune(before, want);
      total += n;
      if (n < want) break;
    }
    if (total) deps.logger?.info({ deleted: total, before }, 'outbox: old messages pruned');
    return total;
  };

  const runOnce = (): Promise<number> => {
    // One run at a time: a tick while the previous run is still deleting joins it.
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    runOnce().catch((err) =>
      deps.logger?.warn({ err: err instanceof Error ? err.message : err }, 'outbox: pruning failed'),
    );
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
