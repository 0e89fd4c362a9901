// Orders and callbacks held wholly in the tables (the memory store). The lowdb store keeps its own order
// repo (open orders + archive on disk) with the same behaviour.
import type { Order } from '../../orders/types.js';
import {
  callbackKey,
  DuplicateOrderError,
  externalIds,
  isTerminal,
  matchesQuery,
  newestFirst,
  pageOrders,
} from '../query.js';
import type { CallbackRecord, CallbackRepo, OrderRepo } from '../types.js';
import type { Tables, Tx } from './engine.js';

export const ORDERS = 'orders';
export const CALLBACKS = 'callbacks';

/** A callback copy, once (by ext, transactionId, status), inside a write. */
function recordCallback(tx: Tx, rec: CallbackRecord): 'new' | 'duplicate' {
  const key = callbackKey(rec);
  if (tx.get(CALLBACKS, key) !== undefined) return 'duplicate';
  tx.put(CALLBACKS, key, rec);
  return 'new';
}

export function ordersRepo(db: Tables): OrderRepo {
  const byExt = new Map<string, string>();
  const openIds = new Set<string>();
  db.onChange(ORDERS, (id, next, _prev, parsed) => {
    if (next === undefined) {
      openIds.delete(id);
      return;
    }
    const o = (parsed ?? JSON.parse(next)) as Order;
    for (const e of externalIds(o)) byExt.set(e, id);
    if (isTerminal(o.state)) openIds.delete(id);
    else openIds.add(id);
  });
  const read = (id: string) => db.read<Order>(ORDERS, id);
  const everything = (): Order[] => [...db.table(ORDERS).values()].map((t) => JSON.parse(t) as Order);

  return {
    create(order) {
      return db.write((tx) => {
        if (tx.get(ORDERS, order.id) !== undefined) throw new DuplicateOrderError(order.id);
        tx.put(ORDERS, order.id, { ...order, version: 1 });
        return read(order.id)!;
      });
    },
    async get(id) {
      db.guard();
      return read(id);
    },
    async findByExternalId(ext) {
      db.guard();
      const id = ext ? byExt.get(ext) : undefined;
      const o = id ? read(id) : undefined;
      // The index may be stale if an update dropped the operation: confirm on the order itself.
      return o && externalIds(o).includes(ext) ? o : undefined;
    },
    update(next, expectedVersion, callback) {
      return db.write((tx) => {
        if (callback) recordCallback(tx, callback);
        const cur = read(next.id);
        if (!cur || cur.version !== expectedVersion) return null;
        tx.put(ORDERS, next.id, { ...next, version: expectedVersion + 1 });
        return read(next.id)!;
      });
    },
    async listOpen(limit) {
      db.guard();
      const out = [...openIds].map((id) => read(id)!).sort((a, b) => -newestFirst(a, b));
      return limit !== undefined ? out.slice(0, Math.max(0, limit)) : out;
    },
    async list(q) {
      db.guard();
      const out = everything()
        .filter((o) => matchesQuery(o, q))
        .sort(newestFirst);
      return q.limit !== undefined ? out.slice(0, Math.max(0, q.limit)) : out;
    },
    async page(q) {
      db.guard();
      const hits = everything()
        .filter((o) => matchesQuery(o, q))
        .sort(newestFirst);
      return pageOrders(hits, q.limit, q.cursor);
    },
  };
}

export function callbacksRepo(db: Tables): CallbackRepo {
  const byExt = new Map<string, string[]>();
  db.onChange(CALLBACKS, (key, next, prev, parsed) => {
    if ((next === undefined) === (prev === undefined)) return;
    const rec = (parsed ?? JSON.parse(next ?? prev!)) as CallbackRecord;
    const list = byExt.get(rec.externalTransactionId) ?? [];
    if (next === undefined) list.splice(list.indexOf(key), 1);
    else list.push(key);
    byExt.set(rec.externalTransactionId, list);
  });
  return {
    record(rec) {
      return db.write((tx) => recordCallback(tx, rec));
    },
    async list(ext) {
      db.guard();
      return (byExt.get(ext) ?? []).map((k) => db.read<CallbackRecord>(CALLBACKS, k)!);
    },
  };
}
