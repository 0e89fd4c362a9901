// Orders: one row each (jsonb body plus the columns list() filters on); every operation's
// externalTransactionId in order_ext_ids, whose primary key makes it unique across orders.
import type { Order } from '../../orders/types.js';
import { copy, DuplicateOrderError, externalIds, isTerminal } from '../query.js';
import type { OrderQuery, OrderRepo } from '../types.js';
import { batcher } from './batch.js';
import { callbackParams, INSERT_CALLBACK } from './callbacks.js';
import { type Db, isUniqueViolation, json, type Queryable } from './db.js';

const COLS = (o: Order) => [
  o.id,
  o.version,
  o.state,
  !isTerminal(o.state),
  o.customerId,
  o.payment?.payer ?? null,
  o.recipient ?? null,
  o.account ?? null,
  o.createdAt,
  json(o),
];

async function linkExtIds(c: Queryable, o: Order): Promise<void> {
  const ids = externalIds(o);
  if (!ids.length) return;
  await c.query(
    'INSERT INTO order_ext_ids (ext, order_id) SELECT unnest($1::text[]), $2 ON CONFLICT (ext) DO NOTHING',
    [ids, o.id],
  );
  const clash = await c.query('SELECT ext FROM order_ext_ids WHERE ext = ANY($1) AND order_id <> $2', [
    ids,
    o.id,
  ]);
  if (clash.rowCount) throw new Error(`externalTransactionId ${clash.rows[0].ext} belongs to another order`);
}

function where(q: OrderQuery, params: unknown[]): string[] {
  const w: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.customerId !== undefined) w.push(`customer_id = ${p(q.customerId)}`);
  if (q.payer !== undefined) w.push(`payer = ${p(q.payer)}`);
  if (q.states) w.push(`state = ANY(${p(q.states)})`);
  if (q.since !== undefined) w.push(`created_at >= ${p(q.since)}`);
  const needle = q.search?.trim().toLowerCase();
  if (needle) {
    const n = p(needle);
    w.push(
      `(strpos(lower(id), ${n}) > 0 OR strpos(lower(coalesce(recipient, '')), ${n}) > 0 OR strpos(lower(coalesce(account, '')), ${n}) > 0)`,
    );
  }
  return w;
}

const bodies = (rows: { body: Order }[]): Order[] => rows.map((r) => r.body);

/** A customer's latest orders (every turn reads them): one statement for one turn of the event loop. */
function latestBatcher(db: Db) {
  return batcher<{ customerId: string; limit: number }, Order[]>(async (items) => {
    const rows = await db.q<{ i: number; body: Order }>(
      `SELECT v.i, o.body FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS v(customer_id, lim, i)
       CROSS JOIN LATERAL (SELECT body, created_at, id FROM orders WHERE customer_id = v.customer_id
         ORDER BY created_at DESC, id DESC LIMIT v.lim) o
       ORDER BY v.i, o.created_at DESC, o.id DESC`,
      [items.map((q) => q.customerId), items.map((q) => Math.max(0, q.limit))],
    );
    const out = items.map((): Order[] => []);
    for (const r of rows) out[r.i - 1]!.push(r.body);
    return out;
  });
}

export function ordersRepo(db: Db): OrderRepo {
  const latest = latestBatcher(db);
  return {
    async create(order) {
      const o = { ...copy(order), version: 1 };
      try {
        await db.tx(async (c) => {
          await c.query(
            'INSERT INTO orders (id, version, state, open, customer_id, payer, recipient, account, created_at, body) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)',
            COLS(o),
          );
          await linkExtIds(c, o);
        });
      } catch (err) {
        if (isUniqueViolation(err) && (err as { constraint?: string }).constraint === 'orders_pkey') {
          throw new DuplicateOrderError(o.id);
        }
        throw err;
      }
      return copy(o);
    },
    async get(id) {
      return (await db.q<{ body: Order }>('SELECT body FROM orders WHERE id = $1', [id]))[0]?.body;
    },
    async findByExternalId(ext) {
      if (!ext) return undefined;
      const rows = await db.q<{ body: Order }>(
        'SELECT o.body FROM order_ext_ids e JOIN orders o ON o.id = e.order_id WHERE e.ext = $1',
        [ext],
      );
      return rows[0]?.body;
    },
    async update(next, expectedVersion, callback) {
      const o = { ...copy(next), version: expectedVersion + 1 };
      return db.tx(async (c) => {
        // The copy this change comes from commits with it (kept even when the CAS loses).
        if (callback) await c.query(INSERT_CALLBACK, callbackParams(callback));
        const r = await c.query(
          `UPDATE orders SET version = $2, state = $3, open = $4, customer_id = $5, payer = $6, recipient = $7,
             account = $8, created_at = $9, body = $10 WHERE id = $1 AND version = $11`,
          [...COLS(o), expectedVersion],
        );
        if (!r.rowCount) return null;
        await linkExtIds(c, o);
        return copy(o);
      });
    },
    async listOpen(limit) {
      const params: unknown[] = [];
      let sql = 'SELECT body FROM orders WHERE open ORDER BY created_at, id';
      if (limit !== undefined) {
        params.push(Math.max(0, limit));
        sql += ' LIMIT $1';
      }
      return bodies(await db.q(sql, params));
    },
    async list(query) {
      const { customerId, limit, ...rest } = query;
      if (
        customerId !== undefined &&
        limit !== undefined &&
        Object.values(rest).every((v) => v === undefined)
      )
        return latest({ customerId, limit });
      const params: unknown[] = [];
      const w = where(query, params);
      let sql = `SELECT body FROM orders ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC`;
      if (query.limit !== undefined) {
        params.push(Math.max(0, query.limit));
        sql += ` LIMIT $${params.length}`;
      }
      return bodies(await db.q(sql, params));
    },
    async page(query) {
      const params: unknown[] = [];
      const w = where(query, params);
      if (query.cursor) {
        const [at, id] = JSON.parse(query.cursor) as [number, string];
        params.push(at, id);
        w.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
      }
      const limit = Math.max(0, query.limit);
      params.push(limit + 1);
      const rows = bodies(
        await db.q(
          `SELECT body FROM orders ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
          params,
        ),
      );
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? JSON.stringify([last.createdAt, last.id]) : null };
    },
  };
}
