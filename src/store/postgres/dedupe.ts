// Dedupe: one upsert; the row is (re)written only when absent or expired, so one caller sees it first.
// Keys seen in one turn of the event loop go in one statement (batch.ts); a key twice in one turn goes in
// the next statement, which finds it.
import type { DedupeRepo } from '../types.js';
import { batcher, batchersBy } from './batch.js';
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

/**
 * The dedupe upsert of `rows` (key, expires_at): a row is (re)written only when absent or expired for the
 * caller (`ttl`: expires_at - ttl is the caller's now). Returns the keys seen first.
 */
export const insertDedupe = (rows: string, ttl: string) =>
  `INSERT INTO dedupe (key, expires_at) ${rows}
   ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
     WHERE dedupe.expires_at <= excluded.expires_at - ${ttl}
   RETURNING key`;

export function dedupeRepo(db: Db, sweep: DedupeSweep = dedupeSweep(db)): DedupeRepo {
  // Per TTL, so that "expired" is checked against each caller's own now: expires_at - ttl.
  const firstSeenWith = batchersBy((ttlMs: number) =>
    batcher<Seen, boolean>(
      async (items) => {
        const rows = await db.q<{ key: string }>(
          insertDedupe('SELECT * FROM unnest($1::text[], $2::bigint[])', '$3::bigint'),
          [items.map((s) => s.key), items.map((s) => s.expiresAt), ttlMs],
        );
        const fresh = new Set(rows.map((r) => r.key));
        return items.map((s) => fresh.has(s.key));
      },
      { key: (s) => s.key },
    ),
  );
  return {
    async firstSeen(key, now, ttlMs) {
      const first = await firstSeenWith(ttlMs)({ key, expiresAt: now + ttlMs });
      await sweep(now);
      return first;
    },
  };
}
