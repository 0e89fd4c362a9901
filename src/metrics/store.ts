// A transparent layer over any Store that feeds the metrics and the write health: order counters and
// money from each successful order write, status lookups, outbox sends, and whether writes fail (a full
// disk makes every write throw while reads still answer from memory: /healthz and /readyz must see it).
import type { Order } from '../orders/types.js';
import type { CallbackRecord, Store } from '../store/types.js';
import { orderChange } from './orders.js';
import type { BotMetrics } from './registry.js';

const WRITES = new Set([
  'create',
  'update',
  'record',
  'tryAcquire',
  'getOrCreate',
  'delete',
  'save',
  'add',
  'resolve',
  'set',
  'setMany',
  'clear',
  'firstSeen',
  'addRecipients',
  'mark',
  'enqueue',
  'claim',
  'markSent',
  'markSentThenList',
  'retry',
  'markFailed',
  'setDelivery',
  'prune',
  'acquire',
  'renew',
  'release',
  'commit',
  'openTurn',
]);

/**
 * The error code when an error means the store cannot write (node system errors such as ENOSPC, EIO,
 * EROFS, ECONNREFUSED; PostgreSQL connection/resource classes 08, 53, 57P, 58), else undefined: a
 * duplicate id or a fenced write is an answer, not a failing store.
 */
export function systemErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (/^E[A-Z0-9]+$/.test(code) || /^(08|53|57P|58)/.test(code))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface WriteHealth {
  /** false while the latest write failed with a system error (until a write succeeds again). */
  ok: boolean;
  lastError?: { code: string; at: number };
}

const ORDER_CACHE_MAX = 5_000;

export function instrumentStore(
  store: Store,
  metrics: BotMetrics,
  now: () => number = Date.now,
): { store: Store; writeHealth(): WriteHealth } {
  let failing: { code: string; at: number } | undefined;
  let last: { code: string; at: number } | undefined;
  // The version each recently seen order had, so an order write can be compared with what it replaced
  // without an extra read (CAS: a successful update replaced exactly expectedVersion).
  const seen = new Map<string, Order>();
  const remember = (o: Order | undefined | null) => {
    if (!o) return;
    seen.delete(o.id);
    seen.set(o.id, o);
    if (seen.size > ORDER_CACHE_MAX) seen.delete(seen.keys().next().value as string);
  };

  const wrapCall = (repo: string, method: string, fn: (...a: unknown[]) => Promise<unknown>) => {
    const isWrite = WRITES.has(method);
    return async (...args: unknown[]) => {
      try {
        const result = await fn(...args);
        // An empty claim (the outbox drainer polls every second) or prune may have written nothing: it proves
        // nothing about the disk and must not hide a failing one.
        const wroteNothing =
          (method === 'claim' && Array.isArray(result) && result.length === 0) ||
          (method === 'prune' && result === 0);
        if (isWrite && !wroteNothing) failing = undefined;
        return result;
      } catch (err) {
        const code = systemErrorCode(err);
        if (code && isWrite) {
          failing = { code, at: now() };
          last = failing;
          metrics.storeWriteError(repo, code);
        }
        throw err;
      }
    };
  };

  /** The wrapped method, made once per method (not on every call: a chat turn makes a dozen). */
  const cached = () => {
    const made = new Map<string, { of: unknown; fn: unknown }>();
    return (name: string, prop: string, target: object, v: (...a: unknown[]) => Promise<unknown>) => {
      const hit = made.get(prop);
      if (hit?.of === v) return hit.fn;
      const fn = wrapCall(name, prop, v.bind(target));
      made.set(prop, { of: v, fn });
      return fn;
    };
  };

  const wrapRepo = <T extends object>(name: string, repo: T, extra: Record<string, unknown> = {}): T => {
    const wrap = cached();
    return new Proxy(repo, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && prop in extra) return extra[prop];
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || typeof prop !== 'string') return v;
        return wrap(name, prop, target, v as (...a: unknown[]) => Promise<unknown>);
      },
    });
  };

  const orders = store.orders;
  const reading =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const r = await fn(...a);
      if (Array.isArray(r)) for (const o of r) remember(o as Order);
      else remember(r as Order | undefined);
      return r;
    };
  const ordersExtra = {
    get: wrapCall('orders', 'get', reading(orders.get.bind(orders)) as never),
    findByExternalId: wrapCall(
      'orders',
      'findByExternalId',
      reading(orders.findByExternalId.bind(orders)) as never,
    ),
    listOpen: wrapCall('orders', 'listOpen', reading(orders.listOpen.bind(orders)) as never),
    create: wrapCall('orders', 'create', (async (o: Order) => {
      const stored = await orders.create(o);
      remember(stored);
      metrics.orderCreated(stored.codeService, stored.kind);
      metrics.orderChanged(stored.codeService, orderChange(undefined, stored), stored.payment.codeService);
      return stored;
    }) as never),
    update: wrapCall('orders', 'update', (async (
      next: Order,
      expectedVersion: number,
      callback?: CallbackRecord,
    ) => {
      let prev = seen.get(next.id);
      if (prev?.version !== expectedVersion) {
        const fresh = await orders.get(next.id);
        prev = fresh?.version === expectedVersion ? fresh : undefined;
      }
      const stored = await orders.update(next, expectedVersion, callback);
      if (stored) {
        remember(stored);
        // Without the replaced version (cannot happen with CAS unless it was deleted) nothing is counted.
        if (prev)
          metrics.orderChanged(stored.codeService, orderChange(prev, stored), stored.payment.codeService);
      }
      return stored;
    }) as never),
  };

  const statusLookups = store.statusLookups;
  const lookupsExtra = {
    tryAcquire: wrapCall('statusLookups', 'tryAcquire', (async (
      ...a: Parameters<typeof statusLookups.tryAcquire>
    ) => {
      const ok = await statusLookups.tryAcquire(...a);
      metrics.statusLookup(ok);
      return ok;
    }) as never),
  };

  const repos: Record<string, object> = {};
  const outboxExtra = (outbox: Record<string, unknown>) => {
    type Counted = 'markSent' | 'markSentThenList' | 'retry' | 'markFailed';
    const count =
      (
        method: Counted,
        result: 'sent' | 'retry' | 'failed',
        wrote: (r: unknown) => boolean = (r) => r === true,
      ) =>
      async (...a: unknown[]) => {
        const r = await (outbox[method] as (...x: unknown[]) => Promise<unknown>).apply(outbox, a);
        if (wrote(r)) metrics.outboxSend(result);
        return r;
      };
    return {
      markSent: wrapCall('outbox', 'markSent', count('markSent', 'sent')),
      markSentThenList: wrapCall(
        'outbox',
        'markSentThenList',
        count('markSentThenList', 'sent', (r) => (r as { marked: boolean }).marked),
      ),
      retry: wrapCall('outbox', 'retry', count('retry', 'retry')),
      markFailed: wrapCall('outbox', 'markFailed', count('markFailed', 'failed')),
    };
  };

  const wrapStore = cached();
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string') return v;
      if (prop === 'ping')
        return async () => (await target.ping().catch(() => false)) && failing === undefined;
      if (typeof v === 'function')
        return wrapStore('store', prop, target, v as (...a: unknown[]) => Promise<unknown>);
      if (v && typeof v === 'object') {
        if (!repos[prop]) {
          const extra =
            prop === 'orders'
              ? ordersExtra
              : prop === 'statusLookups'
                ? lookupsExtra
                : prop === 'outbox'
                  ? outboxExtra(v as Record<string, unknown>)
                  : {};
          repos[prop] = wrapRepo(prop, v as object, extra);
        }
        return repos[prop];
      }
      return v;
    },
  });

  return {
    store: wrapped,
    writeHealth: () => ({ ok: failing === undefined, ...(last ? { lastError: last } : {}) }),
  };
}
