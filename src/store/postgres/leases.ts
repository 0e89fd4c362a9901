// Leases: one upsert decides atomically whether the caller takes, extends or is refused the lease.
import type { Lease, LeaseRepo } from '../types.js';
import type { Db } from './db.js';

interface Row {
  name: string;
  owner: string;
  epoch: number;
  expires_at: number;
}
const toLease = (r: Row): Lease => ({
  name: r.name,
  owner: r.owner,
  epoch: r.epoch,
  expiresAt: r.expires_at,
});

export function leasesRepo(db: Db): LeaseRepo {
  return {
    async acquire(name, owner, now, ttlMs) {
      const rows = await db.q<Row>(
        `INSERT INTO leases (name, owner, epoch, expires_at) VALUES ($1, $2, 1, $3::bigint + $4::bigint)
         ON CONFLICT (name) DO UPDATE SET
           owner = excluded.owner,
           epoch = CASE WHEN leases.expires_at > $3::bigint THEN leases.epoch ELSE leases.epoch + 1 END,
           expires_at = CASE WHEN leases.expires_at > $3::bigint THEN greatest(leases.expires_at, excluded.expires_at)
                        ELSE excluded.expires_at END
         WHERE leases.expires_at <= $3 OR leases.owner = excluded.owner
         RETURNING name, owner, epoch, expires_at`,
        [name, owner, now, ttlMs],
      );
      return rows[0] ? toLease(rows[0]) : null;
    },
    async renew(name, owner, epoch, now, ttlMs) {
      const rows = await db.q<Row>(
        `UPDATE leases SET expires_at = greatest(expires_at, $4::bigint + $5::bigint)
         WHERE name = $1 AND owner = $2 AND epoch = $3 AND expires_at > $4 RETURNING name, owner, epoch, expires_at`,
        [name, owner, epoch, now, ttlMs],
      );
      return rows[0] ? toLease(rows[0]) : null;
    },
    async release(name, owner, epoch) {
      await db.q('UPDATE leases SET expires_at = 0 WHERE name = $1 AND owner = $2 AND epoch = $3', [
        name,
        owner,
        epoch,
      ]);
    },
    async get(name) {
      const rows = await db.q<Row>('SELECT name, owner, epoch, expires_at FROM leases WHERE name = $1', [
        name,
      ]);
      return rows[0] ? toLease(rows[0]) : undefined;
    },
  };
}
