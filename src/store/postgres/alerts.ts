// Alerts: idempotent on id.
import type { Alert, AlertRepo } from '../types.js';
import { type Db, json } from './db.js';

export function alertsRepo(db: Db): AlertRepo {
  return {
    async add(alert) {
      await db.q(
        'INSERT INTO alerts (id, at, resolved, body) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
        [alert.id, alert.at, alert.resolved, json(alert)],
      );
    },
    async list(filter) {
      const params: unknown[] = [];
      let sql = 'SELECT body FROM alerts';
      if (filter?.resolved !== undefined) {
        params.push(filter.resolved);
        sql += ' WHERE resolved = $1';
      }
      sql += ' ORDER BY at DESC, id DESC';
      if (filter?.limit !== undefined) {
        params.push(Math.max(0, filter.limit));
        sql += ` LIMIT $${params.length}`;
      }
      return (await db.q<{ body: Alert }>(sql, params)).map((r) => r.body);
    },
    async resolve(id) {
      await db.q(
        `UPDATE alerts SET resolved = true, body = jsonb_set(body, '{resolved}', 'true') WHERE id = $1 AND NOT resolved`,
        [id],
      );
    },
  };
}
