// Key-value namespaces, one table per namespace, one row per key: a Signal session update writes that
// session alone. Fenced writes check the lease inside the same write, so a stale holder writes nothing.
import { type Fence, FencedWriteError, type KvRepo, type Lease } from '../types.js';
import type { Tables, Tx } from './engine.js';
import { LEASES } from './small.js';

export const KV_PREFIX = 'kv/';
export const kvTable = (ns: string): string => `${KV_PREFIX}${ns}`;

export function checkFence(tx: Tx, fence: Fence | undefined, now: number): void {
  if (!fence) return;
  const text = tx.get(LEASES, fence.lease);
  const lease = text === undefined ? undefined : (JSON.parse(text) as Lease);
  if (!lease || lease.owner !== fence.owner || lease.epoch !== fence.epoch || lease.expiresAt <= now) {
    throw new FencedWriteError(fence.lease);
  }
}

export function kvRepo(db: Tables, now: () => number): KvRepo {
  const repo: KvRepo = {
    async get<T = unknown>(ns: string, key: string) {
      db.guard();
      return db.read<T>(kvTable(ns), key);
    },
    async getMany<T = unknown>(ns: string, keys: string[]) {
      db.guard();
      const out: Record<string, T> = {};
      for (const k of keys) {
        const v = db.read<T>(kvTable(ns), k);
        if (v !== undefined) out[k] = v;
      }
      return out;
    },
    async setMany(ns, entries, fence) {
      const t = kvTable(ns);
      // Serialise first: a value JSON refuses fails the batch before anything changes.
      const rows = Object.entries(entries).map(([k, v]) => {
        if (v === null || v === undefined) return [k, null] as const;
        const text = JSON.stringify(v);
        if (text === undefined) throw new TypeError(`kv ${ns}/${k}: value cannot be stored`);
        return [k, text] as const;
      });
      await db.write((tx) => {
        checkFence(tx, fence, now());
        for (const [k, text] of rows) {
          if (text === null) tx.del(t, k);
          else tx.putText(t, k, text);
        }
      });
    },
    set(ns, key, value, fence) {
      return repo.setMany(ns, { [key]: value }, fence);
    },
    async list<T = unknown>(ns: string) {
      db.guard();
      const out: Record<string, T> = {};
      for (const [k, text] of db.table(kvTable(ns))) out[k] = JSON.parse(text) as T;
      return out;
    },
    async clear(ns, fence) {
      const t = kvTable(ns);
      await db.write((tx) => {
        checkFence(tx, fence, now());
        for (const k of [...db.table(t).keys()]) tx.del(t, k);
      });
    },
  };
  return repo;
}
