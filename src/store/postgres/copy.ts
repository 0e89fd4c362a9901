// Copies a whole store (an existing lowdb install) into an empty PostgreSQL database, keeping versions,
// states and outbox order, in one transaction; then verifies by counting both sides.
import type { Order } from '../../orders/types.js';
import { externalIds, isTerminal } from '../query.js';
import type { Customer, OutboxMessage, Store } from '../types.js';
import { json, makePool } from './db.js';
import { migrate } from './migrate.js';

/** The kv namespaces the bot writes (catalog cache/settings, admin state, WhatsApp auth keys). */
export const KNOWN_KV_NAMESPACES = ['catalog', 'admin', 'wa-auth'];

export type CopyCounts = Record<
  | 'orders'
  | 'callbacks'
  | 'customers'
  | 'conversations'
  | 'broadcasts'
  | 'recipients'
  | 'alerts'
  | 'kv'
  | 'outbox',
  number
>;

async function all<T>(
  walk: (cursor: string | null) => Promise<{ items: T[]; next: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const p = await walk(cursor);
    out.push(...p.items);
    cursor = p.next;
  } while (cursor);
  return out;
}

export async function copyStoreToPostgres(
  from: Store,
  url: string,
  opts: { kvNamespaces?: string[] } = {},
): Promise<{ source: CopyCounts; target: CopyCounts }> {
  const orders = await all<Order>((cursor) => from.orders.page({ limit: 500, cursor }));
  const customers = await all<Customer>((cursor) => from.customers.page({ limit: 500, cursor }));
  const broadcasts = await from.broadcasts.list(1_000_000);
  const alerts = await from.alerts.list();
  const outbox = (await from.outbox.list({ limit: 10_000_000 })).sort((a, b) => a.seq - b.seq);
  const namespaces = [...new Set([...KNOWN_KV_NAMESPACES, ...(opts.kvNamespaces ?? [])])];
  const pool = makePool(url, 2, 0);
  try {
    await migrate(pool);
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const existing = await c.query(
        'SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM customers) + (SELECT count(*) FROM outbox) AS n',
      );
      if (Number(existing.rows[0].n) > 0) throw new Error('the target database is not empty: copy refused');
      const source: CopyCounts = {
        orders: orders.length,
        callbacks: 0,
        customers: customers.length,
        conversations: 0,
        broadcasts: broadcasts.length,
        recipients: 0,
        alerts: alerts.length,
        kv: 0,
        outbox: outbox.length,
      };
      for (const o of orders) {
        await c.query(
          'INSERT INTO orders (id, version, state, open, customer_id, payer, recipient, account, created_at, body) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)',
          [
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
          ],
        );
        for (const ext of externalIds(o)) {
          await c.query('INSERT INTO order_ext_ids (ext, order_id) VALUES ($1, $2)', [ext, o.id]);
          for (const cb of await from.callbacks.list(ext)) {
            await c.query(
              'INSERT INTO callbacks (ext, txid, status, received_at, body) VALUES ($1, $2, $3, $4, $5)',
              [cb.externalTransactionId, cb.transactionId, cb.status, cb.receivedAt, json(cb.body ?? null)],
            );
            source.callbacks++;
          }
        }
      }
      for (const cu of customers) {
        await c.query('INSERT INTO customers (id, version, subscribed, body) VALUES ($1, $2, $3, $4)', [
          cu.id,
          cu.version,
          cu.subscribed,
          json(cu),
        ]);
        const conv = await from.conversations.get(cu.id);
        if (conv !== undefined) {
          await c.query('INSERT INTO conversations (customer_id, state) VALUES ($1, $2)', [
            cu.id,
            json(conv),
          ]);
          source.conversations++;
        }
      }
      for (const b of broadcasts) {
        await c.query('INSERT INTO broadcasts (id, created_at, body) VALUES ($1, $2, $3)', [
          b.id,
          b.createdAt,
          json(b),
        ]);
        const recips = await all((cursor) => from.broadcasts.recipients(b.id, { limit: 1_000, cursor }));
        for (const r of recips) {
          await c.query(
            'INSERT INTO broadcast_recipients (broadcast_id, customer_id, status, reason, ref, at) VALUES ($1, $2, $3, $4, $5, $6)',
            [b.id, r.customerId, r.status, r.reason ?? null, r.ref ?? null, r.at],
          );
        }
        source.recipients += recips.length;
      }
      for (const a of alerts) {
        await c.query('INSERT INTO alerts (id, at, resolved, body) VALUES ($1, $2, $3, $4)', [
          a.id,
          a.at,
          a.resolved,
          json(a),
        ]);
      }
      for (const ns of namespaces) {
        for (const [key, value] of Object.entries(await from.kv.list(ns))) {
          await c.query('INSERT INTO kv (ns, key, value) VALUES ($1, $2, $3)', [ns, key, json(value)]);
          source.kv++;
        }
      }
      for (const m of outbox as OutboxMessage[]) {
        const { seq: _seq, ...body } = m;
        // Inserted in seq order: the new seqs keep every chat's order.
        await c.query(
          `INSERT INTO outbox (id, chat, state, not_before, lease_until, owner, wa_message_id, order_id, broadcast_id, body, done_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            m.id,
            m.chat,
            m.state,
            m.notBefore ?? null,
            m.leaseUntil ?? null,
            m.owner ?? null,
            m.waMessageId ?? null,
            m.orderId ?? null,
            m.broadcastId ?? null,
            json(body),
            // Retention's date (as migration 002 dates older rows): finished rows copied are pruned in time.
            m.state === 'sent' || m.state === 'failed' ? (m.doneAt ?? m.sentAt ?? m.createdAt) : null,
          ],
        );
      }
      const count = async (sql: string) => Number((await c.query(sql)).rows[0].n);
      const target: CopyCounts = {
        orders: await count('SELECT count(*) AS n FROM orders'),
        callbacks: await count('SELECT count(*) AS n FROM callbacks'),
        customers: await count('SELECT count(*) AS n FROM customers'),
        conversations: await count('SELECT count(*) AS n FROM conversations'),
        broadcasts: await count('SELECT count(*) AS n FROM broadcasts'),
        recipients: await count('SELECT count(*) AS n FROM broadcast_recipients'),
        alerts: await count('SELECT count(*) AS n FROM alerts'),
        kv: await count('SELECT count(*) AS n FROM kv'),
        outbox: await count('SELECT count(*) AS n FROM outbox'),
      };
      const diff = (Object.keys(source) as (keyof CopyCounts)[]).filter((k) => source[k] !== target[k]);
      if (diff.length) throw new Error(`counts differ after copy (${diff.join(', ')}): nothing written`);
      await c.query('COMMIT');
      return { source, target };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  } finally {
    await pool.end();
  }
}
