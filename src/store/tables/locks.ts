// Per-key mutual exclusion for one process (the embedded stores own their directory alone): callers for
// one key run one after the other in arrival order; idle keys hold no memory.
import type { LockRepo } from '../types.js';

export function localLocks(): LockRepo {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: (held: () => boolean) => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      // One process owns the store: a lock taken is never lost.
      const result = prev.then(() => fn(() => true));
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
