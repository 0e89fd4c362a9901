// Key-value namespaces, one row per key. A fenced write reads the lease FOR SHARE in the same
// transaction, so a stale holder writes nothing even while another instance takes the lease over.
import { type Fence, FencedWriteError, type KvRepo } from '../types.js';
import { type Db, json, type Queryable } from './db.js';

async function checkFence(c: Queryable, fence: Fence | undefined): Promise<void> {
  if (!fence) return;
  const r = await c.query('SELECT owner, epoch, expires_at FROM leases WHERE name = $1 FOR SHARE', [
    fence.lease,
  ]);
  const l = r.rows[0] as { owner: string; epoch: number; expires_at: number } | undefined;
  if (!l || l.owner !== fence.owner || l.epoch !== fence.epoch || l.expires_at <= Date.now()) {
    throw new FencedWriteError(fence.lease);
  }
}

export function kvRepo(db: Db): KvRepo {
  const repo: KvRepo = {
    async get<T = unknown>(ns: string, key: string) {
      const rows = await db.q<{ value: T }>('SELECT value FROM kv WHERE ns = $1 AND key = $2', [ns, key]);
      return rows[0]?.value;
    },
    async getMany<T = unknown>(ns: string, keys: string[]) {
      const out: Record<string, T> = {};
      if (!keys.length) return out;
      const rows = await db.q<{ key: string; value: T }>(
        'SELECT key, value FROM kv WHERE ns = $1 AND key = ANY($2)',
        [ns, keys],
      );
      for (const r of rows) out[r.key] = r.value;
      return out;
    },
    async setMany(ns, entries, fence) {
      // Serialise first: a value JSON refuses fails the batch before anything changes.
      const puts: [string, string][] = [];
      const dels: string[] = [];
      for (const [k, v] of Object.entries(entries)) {
        if (v === null || v === undefined) dels.push(k);
        else puts.push([k, json(v)]);
      }
      if (!fence && !puts.length && !dels.length) return;
      await db.tx(async (c) => {
        await checkFence(c, fence);
        if (dels.length) await c.query('DELETE FROM kv WHERE ns = $1 AND key = ANY($2)', [ns, dels]);
        if (puts.length) {
          await c.query(
            `INSERT INTO kv (ns, key, value) SELECT $1, k, v::jsonb FROM unnest($2::text[], $3::text[]) AS t(k, v)
             ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value`,
            [ns, puts.map((p) => p[0]), puts.map((p) => p[1])],
          );
        }
      });
    },
    set(ns, key, value, fence) {
      return repo.setMany(ns, { [key]: value }, fence);
    },
    async list<T = unknown>(ns: string) {
      const out: Record<string, T> = {};
      for (const r of await db.q<{ key: string; value: T }>('SELECT key, value FROM kv WHERE ns = $1', [
        ns,
      ])) {
        out[r.key] = r.value;
      }
      return out;
    },
    async clear(ns, fence) {
      await db.tx(async (c) => {
        await checkFence(c, fence);
        await c.query('DELETE FROM kv WHERE ns = $1', [ns]);
      });
    },
  };
  return repo;
}
