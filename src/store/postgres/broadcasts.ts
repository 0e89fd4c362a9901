// Broadcasts: a small header row, and one row per recipient whose primary key (broadcast, customer)
// makes the snapshot idempotent; mark with `from` is an UPDATE … WHERE status = ANY(from), a CAS.
import type { Broadcast, BroadcastRepo, RecipientRecord, RecipientStatus } from '../types.js';
import { type Db, json } from './db.js';

interface RecipientRow {
  customer_id: string;
  status: RecipientStatus;
  reason: string | null;
  ref: string | null;
  at: number;
}

function toRecord(r: RecipientRow): RecipientRecord {
  const rec: RecipientRecord = { customerId: r.customer_id, status: r.status, at: r.at };
  if (r.reason !== null) rec.reason = r.reason;
  if (r.ref !== null) rec.ref = r.ref;
  return rec;
}

export function broadcastsRepo(db: Db): BroadcastRepo {
  return {
    async create(b) {
      await db.q('INSERT INTO broadcasts (id, created_at, body) VALUES ($1, $2, $3)', [
        b.id,
        b.createdAt,
        json(b),
      ]);
    },
    async get(id) {
      return (await db.q<{ body: Broadcast }>('SELECT body FROM broadcasts WHERE id = $1', [id]))[0]?.body;
    },
    async list(limit) {
      const rows = await db.q<{ body: Broadcast }>(
        'SELECT body FROM broadcasts ORDER BY created_at DESC, id DESC LIMIT $1',
        [Math.max(0, limit)],
      );
      return rows.map((r) => r.body);
    },
    async update(id, patch) {
      const clean = JSON.parse(json(patch)) as Partial<Broadcast>;
      const rows = await db.q<{ body: Broadcast }>(
        'UPDATE broadcasts SET body = body || $2::jsonb WHERE id = $1 RETURNING body',
        [id, json(clean)],
      );
      return rows[0]?.body;
    },
    async addRecipients(broadcastId, customerIds, at) {
      if (!customerIds.length) return;
      await db.q(
        `INSERT INTO broadcast_recipients (broadcast_id, customer_id, status, at)
         SELECT $1, unnest($2::text[]), 'pending', $3 ON CONFLICT DO NOTHING`,
        [broadcastId, customerIds, at],
      );
    },
    async mark(broadcastId, customerId, status, opts = {}) {
      const at = opts.at ?? Date.now();
      const reason = opts.reason ?? null;
      const ref = opts.ref ?? null;
      if (opts.from) {
        const rows = await db.q(
          `UPDATE broadcast_recipients SET status = $3, reason = $4, ref = coalesce($5, ref), at = $6
           WHERE broadcast_id = $1 AND customer_id = $2 AND status = ANY($7) RETURNING 1`,
          [broadcastId, customerId, status, reason, ref, at, opts.from],
        );
        return rows.length > 0;
      }
      await db.q(
        `INSERT INTO broadcast_recipients (broadcast_id, customer_id, status, reason, ref, at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (broadcast_id, customer_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
           ref = coalesce(excluded.ref, broadcast_recipients.ref), at = excluded.at`,
        [broadcastId, customerId, status, reason, ref, at],
      );
      return true;
    },
    async recipient(broadcastId, customerId) {
      const rows = await db.q<RecipientRow>(
        'SELECT customer_id, status, reason, ref, at FROM broadcast_recipients WHERE broadcast_id = $1 AND customer_id = $2',
        [broadcastId, customerId],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async recipients(broadcastId, { status, limit, cursor }) {
      const params: unknown[] = [broadcastId];
      const w = ['broadcast_id = $1'];
      if (status) {
        params.push(status);
        w.push(`status = ANY($${params.length})`);
      }
      if (cursor) {
        params.push(cursor);
        w.push(`customer_id > $${params.length}`);
      }
      const n = Math.max(0, limit);
      params.push(n + 1);
      const rows = await db.q<RecipientRow>(
        `SELECT customer_id, status, reason, ref, at FROM broadcast_recipients WHERE ${w.join(' AND ')}
         ORDER BY customer_id LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, n).map(toRecord);
      const last = items[items.length - 1];
      return { items, next: rows.length > n && last ? last.customerId : null };
    },
    async counts(broadcastId) {
      const rows = await db.q<{ status: RecipientStatus; n: number }>(
        'SELECT status, count(*)::int AS n FROM broadcast_recipients WHERE broadcast_id = $1 GROUP BY status',
        [broadcastId],
      );
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
