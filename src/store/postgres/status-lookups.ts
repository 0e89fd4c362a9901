// Status lookups: a transaction-scoped advisory lock per externalTransactionId makes count-then-insert
// atomic across instances, so at most `max` lookups per window hold everywhere.
import type { StatusLookupRepo } from '../types.js';
import type { Db } from './db.js';

/** Rows older than this are pruned when the transaction is looked up again. */
const RETENTION_MS = 24 * 3_600_000;

export function statusLookupsRepo(db: Db): StatusLookupRepo {
  return {
    tryAcquire(ext, now, max, windowMs) {
      return db.tx(async (c) => {
        await c.query("SELECT pg_advisory_xact_lock(hashtextextended('lookup:' || $1, 0))", [ext]);
        await c.query('DELETE FROM status_lookups WHERE ext = $1 AND at <= $2', [
          ext,
          now - Math.max(windowMs, RETENTION_MS),
        ]);
        const r = await c.query(
          'SELECT count(*)::int AS n FROM status_lookups WHERE ext = $1 AND at > $2 AND at <= $3',
          [ext, now - windowMs, now],
        );
        if (r.rows[0].n >= max) return false;
        await c.query('INSERT INTO status_lookups (ext, at) VALUES ($1, $2)', [ext, now]);
        return true;
      });
    },
    async count(ext, now, windowMs) {
      const r = await db.q<{ n: number }>(
        'SELECT count(*)::int AS n FROM status_lookups WHERE ext = $1 AND at > $2 AND at <= $3',
        [ext, now - windowMs, now],
      );
      return r[0]!.n;
    },
  };
}
