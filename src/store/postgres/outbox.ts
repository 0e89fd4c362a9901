// Outbox: one row per message (jsonb body plus the columns claim() needs). claim() picks the head of each
// chat and locks it FOR UPDATE SKIP LOCKED, re-checking it is still claimable, so two instances never
// take one message and a chat's messages leave in seq order.
import type { DeliveryStatus, OutboxInput, OutboxMessage, OutboxRepo } from '../types.js';
import { type Db, json, type Queryable } from './db.js';

const DELIVERY_RANK: Record<DeliveryStatus, number> = {
  server_ack: 1,
  delivered: 2,
  read: 3,
  played: 4,
  error: 99,
};

interface Row {
  seq: number;
  body: Omit<OutboxMessage, 'seq'>;
}
const toMsg = (r: Row): OutboxMessage => ({ ...r.body, seq: r.seq });

/** Rows for `INSERT_OUTBOX`'s arrays; serialises everything first, so one bad payload stores nothing. */
export function outboxArrays(messages: OutboxInput[], at: number): unknown[][] {
  const cols: unknown[][] = [[], [], [], [], [], []];
  for (const m of messages) {
    const body = JSON.parse(json(m)) as OutboxInput;
    cols[0]!.push(m.id);
    cols[1]!.push(m.chat);
    cols[2]!.push(m.notBefore ?? null);
    cols[3]!.push(m.orderId ?? null);
    cols[4]!.push(m.broadcastId ?? null);
    cols[5]!.push(json({ ...body, createdAt: at, state: 'pending', attempts: 0 }));
  }
  return cols;
}

/**
 * One statement for any number of messages ($n … $n+5: the arrays of outboxArrays). Rows are inserted in
 * array order (ordinality), so their seq keeps the order they were given in.
 */
export const insertOutbox = (n: number) =>
  `INSERT INTO outbox (id, chat, state, not_before, order_id, broadcast_id, body)
   SELECT id, chat, 'pending', not_before, order_id, broadcast_id, body::jsonb
   FROM unnest($${n}::text[], $${n + 1}::text[], $${n + 2}::bigint[], $${n + 3}::text[], $${n + 4}::text[], $${n + 5}::text[])
     WITH ORDINALITY AS t(id, chat, not_before, order_id, broadcast_id, body, i)
   ORDER BY i ON CONFLICT (id) DO NOTHING`;

/** What is kept of a sent message's payload: an image's bytes go (the heavy part of the table). */
const lighten = (m: OutboxMessage): OutboxMessage['payload'] =>
  m.payload.type === 'image' ? { ...m.payload, imageBase64: '' } : m.payload;

function write(c: Queryable, m: OutboxMessage): Promise<unknown> {
  const { seq: _seq, ...body } = m;
  const finished = m.state === 'sent' || m.state === 'failed';
  // done_at kept when a finished row from before the column is rewritten (a delivery status).
  return c.query(
    `UPDATE outbox SET state = $2, not_before = $3, lease_until = $4, owner = $5, wa_message_id = $6, body = $7,
       done_at = CASE WHEN $2 IN ('sent', 'failed') THEN coalesce($8, done_at) END WHERE id = $1`,
    [
      m.id,
      m.state,
      m.notBefore ?? null,
      m.leaseUntil ?? null,
      m.owner ?? null,
      m.waMessageId ?? null,
      json(body),
      finished ? (m.doneAt ?? m.sentAt ?? null) : null,
    ],
  );
}

export function outboxRepo(db: Db): OutboxRepo {
  const whileClaimed = (id: string, owner: string, change: (m: OutboxMessage) => OutboxMessage) =>
    db.tx(async (c) => {
      const r = await c.query('SELECT seq, body FROM outbox WHERE id = $1 FOR UPDATE', [id]);
      const m = r.rows[0] ? toMsg(r.rows[0] as Row) : undefined;
      if (!m) return false;
      if (m.state !== 'sending' || m.owner !== owner) return false;
      await write(c, change(m));
      return true;
    });
  return {
    async enqueue(messages, at) {
      if (!messages.length) return;
      await db.q(insertOutbox(1), outboxArrays(messages, at));
    },
    claim(owner, now, leaseMs, limit) {
      return db.tx(async (c) => {
        const claimable = `((state = 'pending' AND coalesce(not_before, 0) <= $1) OR (state = 'sending' AND coalesce(lease_until, 0) <= $1))`;
        const heads = await c.query(
          `SELECT id FROM (SELECT DISTINCT ON (chat) id, seq, state, not_before, lease_until FROM outbox
             WHERE state IN ('pending', 'sending') ORDER BY chat, seq) h
           WHERE ${claimable} ORDER BY seq LIMIT $2`,
          [now, Math.max(0, limit)],
        );
        if (!heads.rowCount) return [];
        // Re-checked under the row lock: a head another instance settled or claimed meanwhile drops out.
        const locked = await c.query(
          `SELECT seq, body FROM outbox WHERE id = ANY($2) AND ${claimable} ORDER BY seq FOR UPDATE SKIP LOCKED`,
          [now, heads.rows.map((r) => r.id)],
        );
        const out: OutboxMessage[] = [];
        for (const row of locked.rows as Row[]) {
          const m: OutboxMessage = { ...toMsg(row), state: 'sending', owner, leaseUntil: now + leaseMs };
          await write(c, m);
          out.push(m);
        }
        return out;
      });
    },
    markSent(id, owner, result) {
      return whileClaimed(id, owner, (m) => {
        const next: OutboxMessage = {
          ...m,
          payload: lighten(m),
          state: 'sent',
          sentAt: result.at,
          doneAt: result.at,
        };
        if (result.waMessageId) next.waMessageId = result.waMessageId;
        return next;
      });
    },
    retry(id, owner, notBefore, error) {
      return whileClaimed(id, owner, (m) => ({
        ...m,
        state: 'pending',
        attempts: m.attempts + 1,
        notBefore,
        lastError: error,
      }));
    },
    markFailed(id, owner, error, at) {
      return whileClaimed(id, owner, (m) => ({
        ...m,
        state: 'failed',
        doneAt: at,
        attempts: m.attempts + 1,
        lastError: error,
      }));
    },
    setDelivery(waMessageId, status, at, error) {
      return db.tx(async (c) => {
        const r = await c.query(
          'SELECT seq, body FROM outbox WHERE wa_message_id = $1 ORDER BY seq DESC LIMIT 1 FOR UPDATE',
          [waMessageId],
        );
        if (!r.rows[0]) return undefined;
        const m = toMsg(r.rows[0] as Row);
        const cur = m.delivery ? DELIVERY_RANK[m.delivery] : 0;
        if (DELIVERY_RANK[status] <= cur) return m;
        const next: OutboxMessage = { ...m, delivery: status, deliveryAt: at };
        if (status === 'error') next.deliveryError = error ?? 'error';
        await write(c, next);
        return next;
      });
    },
    async get(id) {
      const rows = await db.q<Row>('SELECT seq, body FROM outbox WHERE id = $1', [id]);
      return rows[0] ? toMsg(rows[0]) : undefined;
    },
    async list(query) {
      const params: unknown[] = [];
      const w: string[] = [];
      const add = (col: string, v: unknown, op = '=') => {
        params.push(v);
        w.push(op === 'any' ? `${col} = ANY($${params.length})` : `${col} = $${params.length}`);
      };
      if (query.chat !== undefined) add('chat', query.chat);
      if (query.orderId !== undefined) add('order_id', query.orderId);
      if (query.broadcastId !== undefined) add('broadcast_id', query.broadcastId);
      if (query.states) add('state', query.states, 'any');
      params.push(Math.max(0, query.limit));
      const rows = await db.q<Row>(
        `SELECT seq, body FROM outbox ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toMsg);
    },
    async prune(before, limit) {
      if (limit <= 0) return 0;
      // outbox_done gives the oldest finished rows; deleting by their ctids (a TID scan) touches only them.
      // Instances pruning at once are harmless: a row already gone is simply not counted.
      const r = await db.one.query(
        `DELETE FROM outbox WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM outbox WHERE state IN ('sent', 'failed') AND done_at < $1 ORDER BY done_at LIMIT $2))
         AND state IN ('sent', 'failed')`,
        [before, limit],
      );
      return r.rowCount ?? 0;
    },
    async depth() {
      const rows = await db.q<{ state: string; n: number }>(
        "SELECT state, count(*)::int AS n FROM outbox WHERE state IN ('pending', 'sending') GROUP BY state",
      );
      const get = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
      return { pending: get('pending'), sending: get('sending') };
    },
  };
}
