// Dedupe: one upsert; the row is (re)written only when absent or expired, so one caller sees it first.
import type { DedupeRepo } from '../types.js';
import type { Db } from './db.js';

export function dedupeRepo(db: Db): DedupeRepo {
  let lastSweep = 0;
  return {
    async firstSeen(key, now, ttlMs) {
      const rows = await db.q(
        `INSERT INTO dedupe (key, expires_at) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE dedupe.expires_at <= $3
         RETURNING 1`,
        [key, now + ttlMs, now],
      );
      // Expired keys go by the expiry index, at most once a minute, never by scanning the table.
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        await db.q('DELETE FROM dedupe WHERE expires_at <= $1', [now]);
      }
      return rows.length > 0;
    },
  };
}
