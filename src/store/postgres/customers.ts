// Customers: jsonb body, compare-and-set on version like orders.
import { copy } from '../query.js';
import type { Customer, CustomerRepo } from '../types.js';
import { batcher } from './batch.js';
import { type Db, json } from './db.js';

/** Inserts `rows` (id, version, subscribed, body) that are not stored yet; returns those it created. */
export const insertCustomers = (rows: string) =>
  `INSERT INTO customers (id, version, subscribed, body) ${rows} ON CONFLICT (id) DO NOTHING RETURNING id, body`;

export function customersRepo(db: Db): CustomerRepo {
  // Get-or-create for every customer of one turn of the event loop, in one statement: the insert returns
  // the created, the same snapshot the existing (it does not see the rows the insert adds).
  const getOrCreate = batcher<Customer, { customer: Customer; created: boolean } | undefined>(
    async (items) => {
      const rows = await db.q<{ id: string; body: Customer; created: boolean }>(
        `WITH v AS (SELECT * FROM unnest($1::text[], $2::boolean[], $3::text[]) AS v(id, subscribed, body)),
         ins AS (${insertCustomers('SELECT id, 1, subscribed, body::jsonb FROM v')})
         SELECT id, body, true AS created FROM ins
         UNION ALL
         SELECT id, body, false AS created FROM customers WHERE id = ANY($1::text[])`,
        [items.map((c) => c.id), items.map((c) => c.subscribed), items.map((c) => json(c))],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return items.map((c) => {
        const r = byId.get(c.id);
        return r ? { customer: r.body, created: r.created } : undefined;
      });
    },
    { key: (c) => c.id },
  );
  return {
    async get(id) {
      return (await db.q<{ body: Customer }>('SELECT body FROM customers WHERE id = $1', [id]))[0]?.body;
    },
    async getOrCreate(c) {
      const fresh = { ...copy(c), version: 1 };
      for (;;) {
        const found = await getOrCreate(fresh);
        if (found) return found;
        // Inserted by someone else after the statement's snapshot, or deleted meanwhile: try again.
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
