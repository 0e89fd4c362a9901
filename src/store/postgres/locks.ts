// Per-key mutual exclusion across instances: session advisory locks. Callers in this process queue per
// key first (arrival order; one PostgreSQL lock per key at most). The head of a key first tries the lock
// on one shared connection, which holds the locks of every key it won at once, pipelined: an
// uncontended turn costs two pipelined statements and no pooled client, and any number of customers'
// turns run together (a connection per held key capped turns at the pool size). Only a key held by
// another instance waits, blocking, on a connection of its own, as PostgreSQL queues waiters in order.
// A dead process's connections close, which frees its locks.
import pg from 'pg';
import { batcher } from './batch.js';
import { corkUntilImmediate } from './pipeline.js';
import type { LockRepo } from '../types.js';

// Every key tried (or freed) in one turn of the event loop in one statement (batch.ts); the keys of one
// statement are distinct, since callers here queue per key first.
const TRY = {
  name: 'xb_trylocks',
  text: 'SELECT pg_try_advisory_lock(hashtextextended(k, 0)) AS ok FROM unnest($1::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i',
};
const UNLOCKS = {
  name: 'xb_unlocks',
  text: 'SELECT pg_advisory_unlock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k',
};
const LOCK = { name: 'xb_lock', text: 'SELECT pg_advisory_lock(hashtextextended($1, 0))' };
const UNLOCK = { name: 'xb_unlock', text: 'SELECT pg_advisory_unlock(hashtextextended($1, 0))' };

export interface LocksOptions {
  url: string;
  /** Connections for keys held elsewhere, each blocked while it waits and then holds one key. */
  waitConnections: number;
  onError?: (err: Error) => void;
}

export interface PgLocks extends LockRepo {
  end(): Promise<void>;
}

interface Shared {
  client: pg.Client;
  ready: Promise<void>;
  dead: boolean;
  corked: boolean;
  unlock: (key: string) => Promise<unknown>;
  /** Closes it (freeing every lock it holds); its holders see held() turn false. */
  drop: (err?: Error) => void;
}

export function pgLocks(opts: LocksOptions): PgLocks {
  const tails = new Map<string, Promise<unknown>>();
  // One waiting connection kept open: a locker that lost the try must queue in PostgreSQL at once, or a
  // later caller (another instance) could take the key before it, out of arrival order.
  const waitPool = new pg.Pool({
    connectionString: opts.url,
    max: Math.max(1, opts.waitConnections),
    min: 1,
    statement_timeout: 0,
  });
  waitPool.on('error', (err) => opts.onError?.(err));
  let warmed = false;
  let shared: Shared | undefined;
  let ended = false;

  const sharedConn = (): Shared => {
    if (shared && !shared.dead) return shared;
    const client = new pg.Client({
      connectionString: opts.url,
      statement_timeout: 0,
      pipeline: true,
    } as pg.ClientConfig);
    const s: Shared = {
      client,
      ready: Promise.resolve(),
      dead: false,
      corked: false,
      unlock: batcher<string, unknown>(async (keys) => {
        corkUntilImmediate(s);
        await s.client.query({ ...UNLOCKS, values: [keys] });
        return keys;
      }),
      // The locks won on it went with it; their holders' turns finish, the next lockers get a new one.
      drop: (err) => {
        if (s.dead) return;
        s.dead = true;
        if (shared === s) shared = undefined;
        if (err) opts.onError?.(err);
        void client.end().catch(() => {});
      },
    };
    client.on('error', s.drop);
    client.on('end', () => s.drop());
    s.ready = client.connect().then(
      () => undefined,
      (err: Error) => {
        s.drop(err);
        throw err;
      },
    );
    shared = s;
    if (!warmed) {
      warmed = true;
      void waitPool.connect().then(
        (c) => c.release(),
        () => {},
      );
    }
    return s;
  };

  /** The keys taken on the shared connection, or undefined for those another session holds or awaits. */
  const tryShared = batcher<string, Shared | undefined>(async (keys) => {
    const s = sharedConn();
    await s.ready;
    corkUntilImmediate(s);
    try {
      const r = await s.client.query<{ ok: boolean }>({ ...TRY, values: [keys] });
      return keys.map((_, i) => (r.rows[i]?.ok ? s : undefined));
    } catch (err) {
      // A session lock taken by a statement that then failed stays taken: only closing the connection
      // surely frees it.
      s.drop(err as Error);
      throw err;
    }
  });

  /** A key held: its unlock, and whether its connection (which holds it) is still open. */
  interface Held {
    unlock: () => Promise<void>;
    held: () => boolean;
  }

  /** Waits for the key on a connection of its own and holds it there. */
  const waitFor = async (key: string): Promise<Held> => {
    const c = await waitPool.connect();
    let broken = false;
    // A checked-out client reports a dropped connection as an 'error' event: without a listener that
    // would crash the process. The lock went with the connection; fn finishes.
    const onError = (): void => {
      broken = true;
    };
    c.on('error', onError);
    const release = () => {
      c.off('error', onError);
      // A connection whose unlock failed is discarded: closing it frees the lock.
      c.release(broken);
    };
    try {
      await c.query({ ...LOCK, values: [key] });
    } catch (err) {
      broken = true;
      release();
      throw err;
    }
    return {
      held: () => !broken,
      unlock: async () => {
        await c.query({ ...UNLOCK, values: [key] }).catch(() => {
          broken = true;
        });
        release();
      },
    };
  };

  /** Takes the key. */
  const acquire = async (key: string): Promise<Held> => {
    if (ended) throw new Error('store is closed');
    // A shared connection that cannot be reached falls back to waiting on a connection of its own.
    const s = await tryShared(key).catch(() => undefined);
    if (!s) return waitFor(key);
    return {
      held: () => !s.dead,
      unlock: async () => {
        if (s.dead) return;
        await s.unlock(key).catch(() => {
          // A statement failing here means the connection is gone, taking the lock with it.
        });
      },
    };
  };

  return {
    run<T>(key: string, fn: (held: () => boolean) => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      let unlocked: Promise<void> = Promise.resolve();
      const mine = prev.then(async () => {
        const lock = await acquire(key);
        try {
          return await fn(lock.held);
        } finally {
          // The caller has its answer as soon as fn ends; the next local caller for this key waits for
          // the unlock too (after it, or behind it on the shared connection).
          unlocked = lock.unlock();
        }
      });
      const tail = mine.then(
        () => unlocked,
        () => unlocked,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return mine;
    },
    async end() {
      ended = true;
      await Promise.allSettled([...tails.values()]);
      const s = shared;
      shared = undefined;
      if (s) {
        s.dead = true;
        await s.ready.catch(() => {});
        await s.client.end().catch(() => {});
      }
      await waitPool.end();
    },
  };
}
