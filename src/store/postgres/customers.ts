// Customers: jsonb body, compare-and-set on version like orders.
import { copy } from '../query.js';
import type { Customer, CustomerRepo } from '../types.js';
import { type Db, json } from './db.js';

export function customersRepo(db: Db): CustomerRepo {
  return {
    async get(id) {
      return (await db.q<{ body: Customer }>('SELECT body FROM customers WHERE id = $1', [id]))[0]?.body;
    },
    async getOrCreate(c) {
      const fresh = { ...copy(c), version: 1 };
      for (;;) {
        const ins = await db.q<{ body: Customer }>(
          'INSERT INTO customers (id, version, subscribed, body) VALUES ($1, 1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING body',
          [fresh.id, fresh.subscribed, json(fresh)],
        );
        if (ins[0]) return { customer: ins[0].body, created: true };
        const cur = await this.get(c.id);
        // Deleted between the two statements: try again.
        if (cur) return { customer: cur, created: false };
      }
    },
    async update(next, expectedVersion) {
      const c = { ...copy(next), version: expectedVersion + 1 };
      const rows = await db.q<{ body: Customer }>(
        'UPDATE customers SET version = $2, subscribed = $3, body = $4 WHERE id = $1 AND version = $5 RETURNING body',
        [c.id, c.version, c.subscribed, json(c), expectedVersion],
      );
      return rows[0]?.body ?? null;
    },
    async delete(id) {
      await db.q('DELETE FROM customers WHERE id = $1', [id]);
    },
    async page({ subscribed, limit, cursor }) {
      const params: unknown[] = [];
      const w: string[] = [];
      if (subscribed !== undefined) {
        params.push(subscribed);
        w.push(`subscribed = $${params.length}`);
      }
      if (cursor) {
        params.push(cursor);
        w.push(`id > $${params.length}`);
      }
      const n = Math.max(0, limit);
      params.push(n + 1);
      const rows = await db.q<{ body: Customer }>(
        `SELECT body FROM customers ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY id LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, n).map((r) => r.body);
      const last = items[items.length - 1];
      return { items, next: rows.length > n && last ? last.id : null };
    },
    async count(filter) {
      const rows =
        filter?.subscribed === undefined
          ? await db.q<{ n: number }>('SELECT count(*)::int AS n FROM customers')
          : await db.q<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE subscribed = $1', [
              filter.subscribed,
            ]);
      return rows[0]!.n;
    },
  };
}
