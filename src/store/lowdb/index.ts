// The embedded default Store, under one directory:
// - the tables (customers, conversations, outbox, kv namespaces, broadcasts…) live in memory as JSON rows;
//   every write is appended to a write-ahead log and fsync'd before it is acknowledged (group commit),
//   and the log is folded into one lowdb JSON snapshot per table once it outgrows them;
// - orders keep their open file + append-only archive, callbacks their append-only log.
// A write therefore costs the same with 1 000 or 100 000 customers, sessions or orders stored.
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../logger.js';
import { StoreClosedError } from '../query.js';
import { Tables } from '../tables/engine.js';
import { buildTablesStore } from '../tables/store.js';
import type { Store } from '../types.js';
import { openCallbacks } from './callbacks.js';
import { FILES } from './format.js';
import { lockDir } from './lock.js';
import { LowdbOrderRepo } from './orders.js';
import { loadSnapshots } from './snapshot.js';
import { Wal } from './wal.js';

export interface LowdbStoreOptions {
  dir: string;
  now?: () => number;
  logger?: Logger;
  /** Status-lookup timestamps older than this are dropped (default 24 h; keep above any window used). */
  lookupRetentionMs?: number;
  /** Fold the log into snapshots past max(this, snapshots' size) bytes (default 16 MiB). */
  minCompactBytes?: number;
}

export { StoreLockedError } from './lock.js';
export { CorruptFileError } from './durable-file.js';

export async function openLowdbStore(opts: LowdbStoreOptions): Promise<Store> {
  const { dir } = opts;
  const logger = opts.logger ?? silentLogger;
  await mkdir(dir, { recursive: true });
  const lock = await lockDir(join(dir, FILES.lock), logger);
  try {
    return await openLocked(opts, logger, lock.release);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function openLocked(
  opts: LowdbStoreOptions,
  logger: Logger,
  releaseLock: () => Promise<void>,
): Promise<Store> {
  const { dir } = opts;
  // A temp file is a write that never got renamed: its data was never acknowledged, so drop it.
  for (const name of await readdir(dir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) {
      logger.warn({ file: name }, 'store: leftover temp file from an interrupted write removed');
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }

  const db = new Tables();
  const guard = (): void => {
    if (db.closed) throw new StoreClosedError();
  };
  const closers: (() => Promise<void>)[] = [];
  try {
    const orders = await LowdbOrderRepo.open(dir, logger, guard);
    closers.push(() => orders.close());
    const callbacks = await openCallbacks(dir, logger, guard);
    closers.push(() => callbacks.close());

    // Failures of the order and callback files count for ping too.
    let fileFailure: unknown;
    const watch =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        try {
          const r = await fn(...a);
          fileFailure = undefined;
          return r;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code) fileFailure = err;
          throw err;
        }
      };

    let wal: Wal | undefined;
    const store = buildTablesStore(db, {
      kind: 'lowdb',
      now: opts.now ?? Date.now,
      lookupRetentionMs: opts.lookupRetentionMs ?? 24 * 3_600_000,
      orders: {
        create: watch((o) => orders.create(o)),
        update: watch(async (o, v, cb) => {
          if (cb) await callbacks.repo.record(cb);
          return orders.update(o, v);
        }),
        get: (id) => orders.get(id),
        findByExternalId: (ext) => orders.findByExternalId(ext),
        listOpen: (limit) => orders.listOpen(limit),
        list: (q) => orders.list(q),
        page: (q) => orders.page(q),
      },
      callbacks: { record: watch((r) => callbacks.repo.record(r)), list: (e) => callbacks.repo.list(e) },
      async ping() {
        if (db.closed || !wal) return false;
        if (wal.lastError === undefined && fileFailure === undefined) return true;
        try {
          await wal.probe();
          fileFailure = undefined;
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        if (db.closed) return;
        db.closed = true;
        await wal?.close();
        for (const c of closers.reverse()) await c();
        await releaseLock();
      },
    });
    const snapshots = await loadSnapshots(dir, db);
    wal = await Wal.open(dir, db, logger, {
      snapshotBytes: snapshots.sizes,
      rewrite: snapshots.validated,
      ...(opts.minCompactBytes !== undefined ? { minCompactBytes: opts.minCompactBytes } : {}),
    });
    db.persister = wal;
    return store;
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw err;
  }
}
