// Dedupe: one upsert; the row is (re)written only when absent or expired, so one caller sees it first.
// Keys seen in one turn of the event loop go in one statement (batch.ts); a key twice in one turn goes in
// the next statement, which finds it.
import type { DedupeRepo } from '../types.js';
import { batcher } from './batch.js';
import type { Db } from './db.js';

interface Seen {
  key: string;
  expiresAt: number;
}

/** Deletes expired keys, by the expiry index, at most once a minute (never by scanning the table). */
export type DedupeSweep = (now: number) => Promise<void>;

export function dedupeSweep(db: Db): DedupeSweep {
  let lastSweep = 0;
  return async (now) => {
    if (now - lastSweep <= 60_000) return;
    lastSweep = now;
    await db.q('DELETE FROM dedupe WHERE expires_at <= $1', [now]);
  };
}

export function dedupeRepo(db: Db, sweep: DedupeSweep = dedupeSweep(db)): DedupeRepo {
  // Per TTL, so that "expired" is checked against each caller's own now: expires_at - ttl.
  const byTtl = new Map<number, (s: Seen) => Promise<boolean>>();
  const firstSeenWith = (ttlMs: number) => {
    let call = byTtl.get(ttlMs);
    if (!call) {
      call = batcher<Seen, boolean>(
        async (items) => {
          const rows = await db.q<{ key: string }>(
            `INSERT INTO dedupe (key, expires_at) SELECT * FROM unnest($1::text[], $2::bigint[])
             ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
               WHERE dedupe.expires_at <= excluded.expires_at - $3::bigint
             RETURNING key`,
            [items.map((s) => s.key), items.map((s) => s.expiresAt), ttlMs],
          );
          const fresh = new Set(rows.map((r) => r.key));
          return items.map((s) => fresh.has(s.key));
        },
        { key: (s) => s.key },
      );
      byTtl.set(ttlMs, call);
    }
    return call;
  };
  return {
    async firstSeen(key, now, ttlMs) {
      const first = await firstSeenWith(ttlMs)({ key, expiresAt: now + ttlMs });
      await sweep(now);
      return first;
    },
  };
}
