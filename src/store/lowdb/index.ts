// The embedded default Store: lowdb JSON files under one directory, laid out so write cost does not grow
// with history. Small hot files (rewritten atomically on each write) hold live state; append-only JSON
// Lines logs hold what only grows (finished orders, callbacks, broadcast marks).
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../logger.js';
import {
  callbackKey,
  copy,
  filterAlerts,
  filterCustomers,
  inWindow,
  StoreClosedError,
  sortBroadcasts,
} from '../query.js';
import type { Alert, Broadcast, CallbackRecord, Customer, KvRepo, RecipientMark, Store } from '../types.js';
import { AppendLog, type LineRef } from './append-log.js';
import { type CallbackLine, FILES, kvFileName, type MarkLine } from './format.js';
import { lockDir } from './lock.js';
import { MapFile } from './map-file.js';
import { LowdbOrderRepo } from './orders.js';
import { SerialQueue } from './queue.js';

export interface LowdbStoreOptions {
  dir: string;
  now?: () => number;
  logger?: Logger;
  /** Status-lookup timestamps older than this are dropped (default 24 h; keep above any window used). */
  lookupRetentionMs?: number;
}

export { StoreLockedError } from './lock.js';
export { CorruptFileError } from './durable-file.js';

export async function openLowdbStore(opts: LowdbStoreOptions): Promise<Store> {
  const { dir } = opts;
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? silentLogger;
  const retention = opts.lookupRetentionMs ?? 24 * 3_600_000;
  await mkdir(dir, { recursive: true });
  const lock = await lockDir(join(dir, FILES.lock), logger);
  try {
    return await openLocked(dir, now, logger, retention, lock.release);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function openLocked(
  dir: string,
  now: () => number,
  logger: Logger,
  retention: number,
  releaseLock: () => Promise<void>,
): Promise<Store> {
  // A temp file is a write that never got renamed: its data was never acknowledged, so drop it.
  for (const name of await readdir(dir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) {
      logger.warn({ file: name }, 'store: leftover temp file from an interrupted write removed');
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }

  let closed = false;
  const guard = (): void => {
    if (closed) throw new StoreClosedError();
  };

  const customers = await MapFile.open<Customer>(join(dir, FILES.customers));
  const conversations = await MapFile.open<unknown>(join(dir, FILES.conversations));
  const broadcasts = await MapFile.open<Broadcast>(join(dir, FILES.broadcasts));
  const alerts = await MapFile.open<Alert>(join(dir, FILES.alerts));
  const lookups = await MapFile.open<number[]>(join(dir, FILES.statusLookups));
  const dedupe = await MapFile.open<number>(join(dir, FILES.dedupe));

  // Files with open handles last, released again if a later one fails to open.
  const opened: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    opened.push(x);
    return x;
  };
  try {
    return await openLogs();
  } catch (err) {
    for (const x of opened) await x.close().catch(() => undefined);
    throw err;
  }

  async function openLogs(): Promise<Store> {
    const orders = track(await LowdbOrderRepo.open(dir, logger, guard));

    const cbKeys = new Set<string>();
    const cbRefs = new Map<string, LineRef[]>();
    const cbQueue = new SerialQueue();
    const callbackLog = track(
      await AppendLog.open(join(dir, FILES.callbacks), logger, (v, ref) => {
        const rec = (v as Partial<CallbackLine>)?.cb;
        if (!rec || typeof rec.externalTransactionId !== 'string') return;
        const key = callbackKey(rec);
        if (cbKeys.has(key)) return;
        cbKeys.add(key);
        const refs = cbRefs.get(rec.externalTransactionId) ?? [];
        refs.push(ref);
        cbRefs.set(rec.externalTransactionId, refs);
      }),
    );

    const marks = new Map<string, Map<string, RecipientMark>>();
    const marksQueue = new SerialQueue();
    const setMark = (b: string, c: string, m: RecipientMark): void => {
      let byCustomer = marks.get(b);
      if (!byCustomer) {
        byCustomer = new Map();
        marks.set(b, byCustomer);
      }
      byCustomer.set(c, m);
    };
    const marksLog = track(
      await AppendLog.open(join(dir, FILES.marks), logger, (v) => {
        const l = v as Partial<MarkLine>;
        if (typeof l?.b === 'string' && typeof l.c === 'string' && l.m) setMark(l.b, l.c, l.m);
      }),
    );

    const kvFiles = new Map<string, Promise<MapFile<unknown>>>();
    const kvFile = (ns: string): Promise<MapFile<unknown>> => {
      let f = kvFiles.get(ns);
      if (!f) {
        f = MapFile.open<unknown>(join(dir, kvFileName(ns)));
        kvFiles.set(ns, f);
        f.catch(() => kvFiles.delete(ns));
      }
      return f;
    };

    const kv: KvRepo = {
      async get<T = unknown>(ns: string, key: string) {
        guard();
        return copy((await kvFile(ns)).get(key)) as T | undefined;
      },
      async setMany(ns, entries) {
        guard();
        // Copy first: a value JSON rejects must fail the whole batch before anything changes.
        const copied = Object.entries(entries).map(([k, v]) => [k, v == null ? null : copy(v)] as const);
        if (!copied.length) return;
        await (await kvFile(ns)).mutate((draft) => {
          for (const [k, v] of copied) {
            if (v == null) delete draft[k];
            else draft[k] = v;
          }
          return { result: undefined, write: true };
        });
      },
      async set(ns, key, value) {
        await kv.setMany(ns, { [key]: value });
      },
      async list<T = unknown>(ns: string) {
        guard();
        return Object.fromEntries((await kvFile(ns)).entries().map(([k, v]) => [k, copy(v)])) as Record<
          string,
          T
        >;
      },
      async clear(ns) {
        guard();
        await (await kvFile(ns)).mutate((draft) => {
          const had = Object.keys(draft).length > 0;
          for (const k of Object.keys(draft)) delete draft[k];
          return { result: undefined, write: had };
        });
      },
    };

    const mapFiles = [customers, conversations, broadcasts, alerts, lookups, dedupe];

    const store: Store = {
      orders,
      callbacks: {
        record(rec: CallbackRecord) {
          guard();
          const stored = copy(rec);
          const key = callbackKey(stored);
          return cbQueue.run(async () => {
            if (cbKeys.has(key)) return 'duplicate' as const;
            const ref = await callbackLog.append({ cb: stored } satisfies CallbackLine);
            cbKeys.add(key);
            const refs = cbRefs.get(stored.externalTransactionId) ?? [];
            refs.push(ref);
            cbRefs.set(stored.externalTransactionId, refs);
            return 'new' as const;
          });
        },
        async list(ext) {
          guard();
          const refs = cbRefs.get(ext) ?? [];
          return Promise.all(refs.map(async (r) => ((await callbackLog.read(r)) as CallbackLine).cb));
        },
      },
      statusLookups: {
        tryAcquire(ext, at, max, windowMs) {
          guard();
          return lookups.mutate((draft) => {
            const times = inWindow(draft[ext] ?? [], at, windowMs);
            if (times.length >= max) return { result: false, write: false };
            draft[ext] = [...times, at];
            // Bounded file: forget transactions not looked up for a long time.
            const cutoff = Math.min(at, now()) - retention;
            for (const [k, ts] of Object.entries(draft)) {
              if (!ts.length || Math.max(...ts) < cutoff) delete draft[k];
            }
            return { result: true, write: true };
          });
        },
        async count(ext, at, windowMs) {
          guard();
          return inWindow(lookups.get(ext) ?? [], at, windowMs).length;
        },
      },
      customers: {
        async get(id) {
          guard();
          return copy(customers.get(id));
        },
        async save(c) {
          guard();
          const stored = copy(c);
          await customers.mutate((draft) => {
            draft[stored.id] = stored;
            return { result: undefined, write: true };
          });
        },
        async list(filter) {
          guard();
          return filterCustomers(customers.values(), filter).map(copy);
        },
      },
      conversations: {
        async get(customerId) {
          guard();
          return copy(conversations.get(customerId));
        },
        async save(customerId, state) {
          guard();
          const stored = copy(state);
          await conversations.mutate((draft) => {
            draft[customerId] = stored;
            return { result: undefined, write: true };
          });
        },
        async delete(customerId) {
          guard();
          await conversations.mutate((draft) => {
            const had = Object.hasOwn(draft, customerId);
            delete draft[customerId];
            return { result: undefined, write: had };
          });
        },
      },
      broadcasts: {
        async create(b) {
          guard();
          const stored = copy(b);
          await broadcasts.mutate((draft) => {
            if (Object.hasOwn(draft, stored.id)) throw new Error(`broadcast ${stored.id} already exists`);
            draft[stored.id] = stored;
            return { result: undefined, write: true };
          });
        },
        async get(id) {
          guard();
          return copy(broadcasts.get(id));
        },
        async save(b) {
          guard();
          const stored = copy(b);
          await broadcasts.mutate((draft) => {
            draft[stored.id] = stored;
            return { result: undefined, write: true };
          });
        },
        async list(limit) {
          guard();
          return sortBroadcasts(broadcasts.values(), limit).map(copy);
        },
        mark(broadcastId, customerId, mark, onlyIfAbsent) {
          guard();
          return marksQueue.run(async () => {
            if (onlyIfAbsent && marks.get(broadcastId)?.has(customerId)) return false;
            await marksLog.append({ b: broadcastId, c: customerId, m: mark } satisfies MarkLine);
            setMark(broadcastId, customerId, mark);
            return true;
          });
        },
        async marks(broadcastId) {
          guard();
          return Object.fromEntries(marks.get(broadcastId) ?? []);
        },
      },
      alerts: {
        async add(a) {
          guard();
          const stored = copy(a);
          await alerts.mutate((draft) => {
            draft[stored.id] = stored;
            return { result: undefined, write: true };
          });
        },
        async list(filter) {
          guard();
          return filterAlerts(alerts.values(), filter).map(copy);
        },
        async resolve(id) {
          guard();
          await alerts.mutate((draft) => {
            const a = draft[id];
            if (!a || a.resolved) return { result: undefined, write: false };
            draft[id] = { ...a, resolved: true };
            return { result: undefined, write: true };
          });
        },
      },
      kv,
      dedupe: {
        firstSeen(key, at, ttlMs) {
          guard();
          return dedupe.mutate((draft) => {
            const exp = draft[key];
            if (exp !== undefined && exp > at) return { result: false, write: false };
            draft[key] = at + ttlMs;
            for (const [k, e] of Object.entries(draft)) if (e <= at) delete draft[k];
            return { result: true, write: true };
          });
        },
      },
      async ping() {
        if (closed) return false;
        try {
          return (await stat(dir)).isDirectory();
        } catch {
          return false;
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all([
          cbQueue.drain(),
          marksQueue.drain(),
          ...mapFiles.map((f) => f.queue.drain()),
          ...[...kvFiles.values()].map(async (p) => (await p.catch(() => undefined))?.queue.drain()),
        ]);
        await Promise.all([orders.close(), callbackLog.close(), marksLog.close()]);
        await releaseLock();
      },
    };
    return store;
  }
}
