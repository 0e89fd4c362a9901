// In-memory Store for tests and the sandbox. Same semantics as the durable stores: every method does its
// whole read-check-write synchronously (no await in between), so concurrent calls are linearizable, and
// values are deep-copied on the way in and out so callers cannot mutate stored state.
import type { Order } from '../orders/types.js';
import {
  callbackKey,
  copy,
  DuplicateOrderError,
  externalIds,
  filterAlerts,
  filterCustomers,
  inWindow,
  isTerminal,
  matchesQuery,
  newestFirst,
  StoreClosedError,
  sortBroadcasts,
} from './query.js';
import type {
  Alert,
  Broadcast,
  CallbackRecord,
  Customer,
  OrderQuery,
  RecipientMark,
  Store,
} from './types.js';

export interface MemoryStoreOptions {
  /** Clock used to prune expired dedupe keys and old status-lookup windows. */
  now?: () => number;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const now = opts.now ?? Date.now;
  let closed = false;
  const orders = new Map<string, Order>();
  const byExternal = new Map<string, string>();
  const callbacks = new Map<string, CallbackRecord[]>();
  const callbackKeys = new Set<string>();
  const lookups = new Map<string, number[]>();
  const customers = new Map<string, Customer>();
  const conversations = new Map<string, unknown>();
  const broadcasts = new Map<string, Broadcast>();
  const marks = new Map<string, Map<string, RecipientMark>>();
  const alerts = new Map<string, Alert>();
  const kv = new Map<string, Map<string, unknown>>();
  const dedupe = new Map<string, number>(); // key -> expiresAt

  const open = (): void => {
    if (closed) throw new StoreClosedError();
  };
  const indexOrder = (o: Order): void => {
    for (const ext of externalIds(o)) byExternal.set(ext, o.id);
  };
  const ns = (name: string): Map<string, unknown> => {
    let m = kv.get(name);
    if (!m) {
      m = new Map();
      kv.set(name, m);
    }
    return m;
  };

  return {
    orders: {
      async create(order) {
        open();
        if (orders.has(order.id)) throw new DuplicateOrderError(order.id);
        const stored = { ...copy(order), version: 1 };
        orders.set(stored.id, stored);
        indexOrder(stored);
        return copy(stored);
      },
      async get(id) {
        open();
        return copy(orders.get(id));
      },
      async findByExternalId(ext) {
        open();
        const id = ext ? byExternal.get(ext) : undefined;
        const o = id ? orders.get(id) : undefined;
        // The index may be stale if an update dropped the operation: confirm on the order itself.
        return o && externalIds(o).includes(ext) ? copy(o) : undefined;
      },
      async update(next, expectedVersion) {
        open();
        const cur = orders.get(next.id);
        if (!cur || cur.version !== expectedVersion) return null;
        const stored = { ...copy(next), version: expectedVersion + 1 };
        orders.set(stored.id, stored);
        indexOrder(stored);
        return copy(stored);
      },
      async listOpen() {
        open();
        return [...orders.values()]
          .filter((o) => !isTerminal(o.state))
          .sort(newestFirst)
          .map(copy);
      },
      async list(q: OrderQuery) {
        open();
        const out = [...orders.values()].filter((o) => matchesQuery(o, q)).sort(newestFirst);
        return (q.limit !== undefined ? out.slice(0, Math.max(0, q.limit)) : out).map(copy);
      },
    },
    callbacks: {
      async record(rec) {
        open();
        const key = callbackKey(rec);
        if (callbackKeys.has(key)) return 'duplicate';
        callbackKeys.add(key);
        const list = callbacks.get(rec.externalTransactionId) ?? [];
        list.push(copy(rec));
        callbacks.set(rec.externalTransactionId, list);
        return 'new';
      },
      async list(ext) {
        open();
        return (callbacks.get(ext) ?? []).map(copy);
      },
    },
    statusLookups: {
      async tryAcquire(ext, at, max, windowMs) {
        open();
        const times = inWindow(lookups.get(ext) ?? [], at, windowMs);
        if (times.length >= max) {
          lookups.set(ext, times);
          return false;
        }
        times.push(at);
        lookups.set(ext, times);
        return true;
      },
      async count(ext, at, windowMs) {
        open();
        return inWindow(lookups.get(ext) ?? [], at, windowMs).length;
      },
    },
    customers: {
      async get(id) {
        open();
        return copy(customers.get(id));
      },
      async save(c) {
        open();
        customers.set(c.id, copy(c));
      },
      async list(filter) {
        open();
        return filterCustomers(customers.values(), filter).map(copy);
      },
    },
    conversations: {
      async get(customerId) {
        open();
        return copy(conversations.get(customerId));
      },
      async save(customerId, state) {
        open();
        conversations.set(customerId, copy(state));
      },
      async delete(customerId) {
        open();
        conversations.delete(customerId);
      },
    },
    broadcasts: {
      async create(b) {
        open();
        if (broadcasts.has(b.id)) throw new Error(`broadcast ${b.id} already exists`);
        broadcasts.set(b.id, copy(b));
      },
      async get(id) {
        open();
        return copy(broadcasts.get(id));
      },
      async save(b) {
        open();
        broadcasts.set(b.id, copy(b));
      },
      async list(limit) {
        open();
        return sortBroadcasts(broadcasts.values(), limit).map(copy);
      },
      async mark(broadcastId, customerId, mark, onlyIfAbsent) {
        open();
        let m = marks.get(broadcastId);
        if (!m) {
          m = new Map();
          marks.set(broadcastId, m);
        }
        if (onlyIfAbsent && m.has(customerId)) return false;
        m.set(customerId, mark);
        return true;
      },
      async marks(broadcastId) {
        open();
        return Object.fromEntries(marks.get(broadcastId) ?? []);
      },
    },
    alerts: {
      async add(a) {
        open();
        alerts.set(a.id, copy(a));
      },
      async list(filter) {
        open();
        return filterAlerts(alerts.values(), filter).map(copy);
      },
      async resolve(id) {
        open();
        const a = alerts.get(id);
        if (a) a.resolved = true;
      },
    },
    kv: {
      async get<T = unknown>(name: string, key: string) {
        open();
        return copy(kv.get(name)?.get(key)) as T | undefined;
      },
      async setMany(name, entries) {
        open();
        const m = ns(name);
        // Copy everything first: a value JSON rejects (a cycle, a BigInt) must not leave a half-applied batch.
        const copied = Object.entries(entries).map(([k, v]) => [k, v === null ? null : copy(v)] as const);
        for (const [k, v] of copied) {
          if (v === null || v === undefined) m.delete(k);
          else m.set(k, v);
        }
      },
      async set(name, key, value) {
        open();
        const m = ns(name);
        if (value === null || value === undefined) m.delete(key);
        else m.set(key, copy(value));
      },
      async list<T = unknown>(name: string) {
        open();
        return Object.fromEntries([...(kv.get(name) ?? [])].map(([k, v]) => [k, copy(v)])) as Record<
          string,
          T
        >;
      },
      async clear(name) {
        open();
        kv.delete(name);
      },
    },
    dedupe: {
      async firstSeen(key, at, ttlMs) {
        open();
        const expiresAt = dedupe.get(key);
        if (expiresAt !== undefined && expiresAt > at) return false;
        dedupe.set(key, at + ttlMs);
        if (dedupe.size > 10_000) {
          const t = now();
          for (const [k, exp] of dedupe) if (exp <= t) dedupe.delete(k);
        }
        return true;
      },
    },
    async ping() {
      return !closed;
    },
    async close() {
      closed = true;
    },
  };
}
