// Per-key mutual exclusion across instances: a session advisory lock held on a dedicated connection
// for fn's duration. Callers in this process queue per key first, so they run in arrival order and
// hold one connection per key at most.
import type pg from 'pg';
import type { LockRepo } from '../types.js';

// Prepared once per connection: two statements on every conversation turn.
const LOCK = { name: 'xb_lock', text: 'SELECT pg_advisory_lock(hashtextextended($1, 0))' };
const UNLOCK = { name: 'xb_unlock', text: 'SELECT pg_advisory_unlock(hashtextextended($1, 0))' };

export function locksRepo(pool: pg.Pool): LockRepo {
  const tails = new Map<string, Promise<unknown>>();
  const underPgLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    let broken = false;
    // A checked-out client reports a dropped connection (database restart, network) as an 'error' event:
    // without a listener that would crash the process. The lock went with the connection; fn finishes.
    const onError = (): void => {
      broken = true;
    };
    c.on('error', onError);
    try {
      await c.query({ ...LOCK, values: [key] });
      try {
        return await fn();
      } finally {
        await c.query({ ...UNLOCK, values: [key] }).catch(() => {
          broken = true;
        });
      }
    } finally {
      // A connection whose unlock failed is discarded: closing it frees the lock.
      c.off('error', onError);
      c.release(broken);
    }
  };
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      const mine = prev.then(
        () => underPgLock(key, fn),
        () => underPgLock(key, fn),
      );
      const tail = mine.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return mine;
    },
  };
}
