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

interface Mark {
  id: string;
  owner: string;
  at: number;
  wa: string | null;
  done: (ok: boolean) => void;
  fail: (err: unknown) => void;
}

/**
 * markSent calls made in one turn of the event loop (a drained batch's sends ending together) go as one
 * statement: one commit, one WAL flush, instead of one each queued behind another on the write
 * connections. Each still answers for its own row (claimed by its owner, else false).
 */
function markSentBatcher(db: Db) {
  let pending: Mark[] = [];
  const flush = async (batch: Mark[]) => {
    try {
      const rows = await db.q<{ id: string }>(
        `UPDATE outbox o SET state = 'sent', wa_message_id = coalesce(v.wa, o.wa_message_id), done_at = v.at,
           body = o.body || jsonb_build_object('state', 'sent', 'sentAt', v.at, 'doneAt', v.at)
             || CASE WHEN v.wa IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('waMessageId', v.wa) END
             -- what is kept of a sent image: its caption (the bytes are the heavy part of the table)
             || CASE WHEN o.body->'payload'->>'type' = 'image'
                  THEN jsonb_build_object('payload', (o.body->'payload') || '{"imageBase64": ""}'::jsonb)
                  ELSE '{}'::jsonb END
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS v(id, owner, at, wa)
         WHERE o.id = v.id AND o.state = 'sending' AND o.owner = v.owner
         RETURNING o.id`,
        [batch.map((m) => m.id), batch.map((m) => m.owner), batch.map((m) => m.at), batch.map((m) => m.wa)],
      );
      const sent = new Set(rows.map((r) => r.id));
      for (const m of batch) m.done(sent.has(m.id));
    } catch (err) {
      for (const m of batch) m.fail(err);
    }
  };
  const schedule = () =>
    setImmediate(() => {
      const all = pending;
      pending = [];
      // One row once per statement: a second mark of the same id goes after this one has committed (and
      // finds the row already sent, as it would one after the other).
      const batch: Mark[] = [];
      const later: Mark[] = [];
      const ids = new Set<string>();
      for (const m of all) {
        if (ids.has(m.id)) later.push(m);
        else {
          ids.add(m.id);
          batch.push(m);
        }
      }
      void flush(batch).then(() => {
        if (!later.length) return;
        if (!pending.length) schedule();
        pending.unshift(...later);
      });
    });
  return {
    add(id: string, owner: string, result: { waMessageId?: string; at: number }): Promise<boolean> {
      return new Promise<boolean>((done, fail) => {
        if (!pending.length) schedule();
        pending.push({ id, owner, at: result.at, wa: result.waMessageId || null, done, fail });
      });
    },
  };
}

export function outboxRepo(db: Db): OutboxRepo {
  const marks = markSentBatcher(db);
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
    async claim(owner, now, leaseMs, limit, chat) {
      // One statement (one pipelined round trip, not a five-statement transaction on a pooled client).
      // The heads come from the statement's snapshot; FOR UPDATE re-checks each against its newest
      // version, so a head another instance settled or claimed meanwhile drops out, as before.
      const claimable = `((state = 'pending' AND coalesce(not_before, 0) <= $1) OR (state = 'sending' AND coalesce(lease_until, 0) <= $1))`;
      // Every chat's head, or one chat's (outbox_open index); either way re-checked under its row lock.
      const heads =
        chat === undefined
          ? `SELECT id FROM (SELECT DISTINCT ON (chat) id, seq, state, not_before, lease_until FROM outbox
               WHERE state IN ('pending', 'sending') ORDER BY chat, seq) h
             WHERE ${claimable} ORDER BY seq LIMIT $2`
          : `SELECT id FROM outbox WHERE chat = $5 AND state IN ('pending', 'sending') ORDER BY seq
             LIMIT least($2::bigint, 1)`;
      const rows = await db.q<Row>(
        `WITH heads AS (${heads}),
         locked AS (
           SELECT id FROM outbox WHERE id IN (SELECT id FROM heads) AND ${claimable} FOR UPDATE SKIP LOCKED)
         UPDATE outbox o SET state = 'sending', owner = $3, lease_until = $4,
           body = o.body || jsonb_build_object('state', 'sending', 'owner', $3::text, 'leaseUntil', $4::bigint)
         FROM locked WHERE o.id = locked.id
         RETURNING o.seq, o.body`,
        [now, Math.max(0, limit), owner, now + leaseMs, ...(chat === undefined ? [] : [chat])],
      );
      return rows.map(toMsg).sort((a, b) => a.seq - b.seq);
    },
    markSent: (id, owner, result) => marks.add(id, owner, result),
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
      // Spelled out so the planner can use the partial index of unfinished messages (outbox_open).
      if (query.states?.every((st) => st === 'pending' || st === 'sending'))
        w.push("state IN ('pending', 'sending')");
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
