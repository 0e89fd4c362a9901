// In-memory Store for tests and the sandbox: the same tables as the lowdb store, with nothing persisted.
// Every write does its read-check-write synchronously, so concurrent calls are linearizable, and rows are
// JSON text, so callers can never hold a reference into stored state.
import { Tables } from './tables/engine.js';
import { buildTablesStore } from './tables/store.js';
import type { Store } from './types.js';

export interface MemoryStoreOptions {
  /** Clock for fenced writes (lease expiry) and defaults. */
  now?: () => number;
  /** Sent texts keep their words (tests standing in for a store several instances share). */
  keepSentText?: boolean;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const db = new Tables();
  return buildTablesStore(db, {
    kind: 'memory',
    now: opts.now ?? Date.now,
    lookupRetentionMs: 24 * 3_600_000,
    ...(opts.keepSentText ? { keepSentText: true } : {}),
    async ping() {
      return !db.closed;
    },
    async close() {
      db.closed = true;
    },
  });
}
