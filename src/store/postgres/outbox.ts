// Outbox: one row per message (jsonb body plus the columns claim() needs). claim() picks the head of each
// chat and locks it FOR UPDATE SKIP LOCKED, re-checking it is still claimable, so two instances never
// take one message and a chat's messages leave in seq order.
import type { DeliveryStatus, OutboxChatView, OutboxInput, OutboxMessage, OutboxRepo } from '../types.js';
import { batcher } from './batch.js';
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

/** Whether a row (`t` its alias, or '' for none) can be claimed at `now`: due, or its lease ran out. */
const claimableAt = (now: string, t = '') =>
  `((${t}state = 'pending' AND coalesce(${t}not_before, 0) <= ${now}) OR (${t}state = 'sending' AND coalesce(${t}lease_until, 0) <= ${now}))`;

/**
 * One outbox row for insertOutbox's document, as JSON text missing its closing brace: the statement's
 * own fields (owner, lease_until, gate, i) are added per batch by outboxRecord. Serialised per message,
 * so one payload that cannot be stored fails alone, before any batch; the body goes as JSON inside the
 * document (pg would otherwise escape every quote of it as a text-array element).
 */
export function outboxRows(
  messages: OutboxInput[],
  at: number,
): { id: string; chat: string; open: string }[] {
  return messages.map((m) => {
    const text = json({
      id: m.id,
      chat: m.chat,
      not_before: m.notBefore ?? null,
      order_id: m.orderId ?? null,
      broadcast_id: m.broadcastId ?? null,
      body: { ...m, createdAt: at, state: 'pending', attempts: 0 },
    });
    return { id: m.id, chat: m.chat, open: text.slice(0, -1) };
  });
}

/** The row with the batch's fields: i (its place: rows are inserted in that order), owner, lease, gate. */
export const outboxRecord = (
  row: { open: string },
  i: number,
  owner: string | null = null,
  leaseUntil: number | null = null,
  gate: string | null = null,
) =>
  `${row.open},"i":${i},"owner":${JSON.stringify(owner)},"lease_until":${leaseUntil ?? 'null'},"gate":${JSON.stringify(gate)}}`;

/**
 * One statement for any number of messages: $n is a JSON array of outboxRecord rows. Rows are inserted
 * in their `i` order, so their seq keeps the order they were given in. A row with an owner is written
 * claimed (as claim() would) when its chat has no unsent row, as of the statement's snapshot. Returns the
 * rows inserted. `gate` (a commit's): a row with a gate (its unit's customer) is written only if that
 * customer is in the CTE `ok`.
 */
export const insertOutbox = (n: number, gate = false) =>
  `INSERT INTO outbox (id, chat, state, not_before, order_id, broadcast_id, owner, lease_until, body)
   SELECT id, chat, CASE WHEN c.free THEN 'sending' ELSE 'pending' END, not_before, order_id, broadcast_id,
     CASE WHEN c.free THEN owner END, CASE WHEN c.free THEN lease_until END,
     body || CASE WHEN c.free
       THEN jsonb_build_object('state', 'sending', 'owner', owner, 'leaseUntil', lease_until) ELSE '{}'::jsonb END
   FROM jsonb_to_recordset($${n}::jsonb) AS t(id text, chat text, not_before bigint, order_id text,
       broadcast_id text, body jsonb, owner text, lease_until bigint, gate text, i int)
   CROSS JOIN LATERAL (SELECT t.owner IS NOT NULL AND (
     SELECT x.seq FROM outbox x WHERE x.chat = t.chat AND x.state IN ('pending', 'sending') ORDER BY x.seq LIMIT 1
   ) IS NULL AS free) c
   ${gate ? 'WHERE t.gate IS NULL OR t.gate IN (SELECT customer_id FROM ok)' : ''}
   ORDER BY i ON CONFLICT (id) DO NOTHING
   RETURNING id, seq, state, body`;

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
  /** The chat to read back once marked (markSentThenList). */
  view?: OutboxChatView;
}

interface Marked {
  marked: boolean;
  rows: OutboxMessage[];
}

/**
 * markSent calls made in one turn of the event loop (a drained batch's sends ending together) go as one
 * statement (batch.ts): one commit, one WAL flush. Each still answers for its own row (claimed by its
 * owner, else false). A mark with a view also reads its chat back in that statement: the read sees the
 * rows as they were before the statement, so the rows it marked are put in as they are now.
 */
function markSentBatcher(db: Db) {
  return batcher<Mark, Marked>(
    async (batch) => {
      // Enough rows that the view is still full once the rows this statement marks are put right.
      const perChat = new Map<string, number>();
      for (const m of batch) if (m.view) perChat.set(m.view.chat, (perChat.get(m.view.chat) ?? 0) + 1);
      const rows = await db.q<Row & { id: string; i: number | null }>(
        `WITH v AS NOT MATERIALIZED (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $6::text[], $7::text[], $8::int[])
             WITH ORDINALITY AS v(id, owner, at, wa, chat, states, lim, i)),
         marked AS (UPDATE outbox o SET state = 'sent', wa_message_id = coalesce(v.wa, o.wa_message_id), done_at = v.at,
           body = o.body || jsonb_build_object('state', 'sent', 'sentAt', v.at, 'doneAt', v.at)
             || CASE WHEN v.wa IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('waMessageId', v.wa) END
             -- what is kept of a sent image: its caption (the bytes are the heavy part of the table)
             || CASE WHEN o.body->'payload'->>'type' = 'image'
                  THEN jsonb_build_object('payload', (o.body->'payload') || '{"imageBase64": ""}'::jsonb)
                  ELSE '{}'::jsonb END
         FROM v WHERE o.id = v.id AND o.state = $5::text AND o.owner = v.owner
         RETURNING o.id, o.seq, CASE WHEN v.chat IS NULL THEN NULL ELSE o.body END AS body)
         SELECT NULL::bigint AS i, id, seq, body FROM marked
         UNION ALL
         SELECT v.i, x.id, x.seq, x.body FROM v CROSS JOIN LATERAL (SELECT id, seq, body FROM outbox
           WHERE chat = v.chat AND state = ANY(string_to_array(v.states, ',')) ORDER BY seq DESC LIMIT v.lim) x
         WHERE v.chat IS NOT NULL`,
        // 'sending' as a parameter: spelled out, it lets the planner read the rows through the index of
        // unsent ones, whose entries for rows sent since the last vacuum it cannot skip (bench:pg saw that
        // plan cost several ms a statement); by id, each row is one index probe.
        [
          batch.map((m) => m.id),
          batch.map((m) => m.owner),
          batch.map((m) => m.at),
          batch.map((m) => m.wa),
          'sending',
          batch.map((m) => m.view?.chat ?? null),
          batch.map((m) => m.view?.states.join(',') ?? null),
          batch.map((m) => (m.view ? Math.max(0, m.view.limit) + perChat.get(m.view.chat)! : null)),
        ],
      );
      const now = new Map<string, OutboxMessage | undefined>();
      const seen = batch.map((): OutboxMessage[] => []);
      for (const r of rows) {
        if (r.i === null) now.set(r.id, r.body ? toMsg(r) : undefined);
        else seen[Number(r.i) - 1]!.push(toMsg(r));
      }
      return batch.map((m, k) => {
        const marked = now.has(m.id);
        if (!m.view) return { marked, rows: [] };
        const { chat, states, limit } = m.view;
        const byId = new Map(seen[k]!.map((x) => [x.id, x]));
        for (const [id, x] of now) if (x?.chat === chat) byId.set(id, x);
        const out = [...byId.values()]
          .filter((x) => states.includes(x.state))
          .sort((a, b) => b.seq - a.seq)
          .slice(0, Math.max(0, limit));
        return { marked, rows: out };
      });
    },
    // A second mark of the same id goes after this one has committed (and finds the row already sent).
    { key: (m) => m.id },
  );
}

interface ChatClaim {
  chat: string;
  owner: string;
  now: number;
  leaseUntil: number;
}

/**
 * One chat's head claimed (the sandbox flushing the chat it answers): every chat of one turn of the event
 * loop in one statement, each head re-checked under its row lock as in claim().
 */
function chatClaimBatcher(db: Db) {
  return batcher<ChatClaim, OutboxMessage[]>(
    async (items) => {
      const rows = await db.q<Row & { chat: string }>(
        `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS v(chat, owner, now, lease_until)),
         heads AS (SELECT h.id, v.owner, v.now, v.lease_until FROM v CROSS JOIN LATERAL (
           SELECT id FROM outbox WHERE chat = v.chat AND state IN ('pending', 'sending') ORDER BY seq LIMIT 1) h),
         locked AS (
           SELECT o.id, heads.owner, heads.lease_until FROM outbox o JOIN heads ON o.id = heads.id
           WHERE ${claimableAt('heads.now', 'o.')} FOR UPDATE OF o SKIP LOCKED)
         UPDATE outbox o SET state = 'sending', owner = locked.owner, lease_until = locked.lease_until,
           body = o.body || jsonb_build_object('state', 'sending', 'owner', locked.owner, 'leaseUntil', locked.lease_until)
         FROM locked WHERE o.id = locked.id
         RETURNING o.chat, o.seq, o.body`,
        [
          items.map((c) => c.chat),
          items.map((c) => c.owner),
          items.map((c) => c.now),
          items.map((c) => c.leaseUntil),
        ],
      );
      const byChat = new Map(rows.map((r) => [r.chat, toMsg(r)]));
      return items.map((c) => {
        const m = byChat.get(c.chat);
        return m ? [m] : [];
      });
    },
    { key: (c) => c.chat },
  );
}

interface ChatList {
  chat: string;
  states: string[];
  limit: number;
}

/** A chat's newest rows in some states (the sandbox checking its chat is flushed), batched likewise. */
function chatListBatcher(db: Db) {
  return batcher<ChatList, OutboxMessage[]>(async (items) => {
    const rows = await db.q<Row & { i: number }>(
      `SELECT v.i, o.seq, o.body FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS v(chat, states, lim, i)
       CROSS JOIN LATERAL (SELECT seq, body FROM outbox
         WHERE chat = v.chat AND state = ANY(string_to_array(v.states, ',')) ORDER BY seq DESC LIMIT v.lim) o
       ORDER BY v.i, o.seq DESC`,
      [items.map((q) => q.chat), items.map((q) => q.states.join(',')), items.map((q) => q.limit)],
    );
    const out = items.map((): OutboxMessage[] => []);
    for (const r of rows) out[r.i - 1]!.push(toMsg(r));
    return out;
  });
}

export function outboxRepo(db: Db): OutboxRepo {
  const marks = markSentBatcher(db);
  const claimChat = chatClaimBatcher(db);
  const listChat = chatListBatcher(db);
  const whileClaimed = (id: string, owner: string, change: (m: OutboxMessage) => OutboxMessage) =>
    db.tx(async (c) => {
      const r = await c.query('SELECT seq, body FROM outbox WHERE id = $1 FOR UPDATE', [id]);
      const m = r.rows[0] ? toMsg(r.rows[0] as Row) : undefined;
      if (!m) return false;
      if (m.state !== 'sending' || m.owner !== owner) return false;
      await write(c, change(m));
      return true;
    });
  const repo: OutboxRepo = {
    async enqueue(messages, at) {
      if (!messages.length) return;
      const rows = outboxRows(messages, at);
      await db.q(insertOutbox(1), [`[${rows.map((r, i) => outboxRecord(r, i)).join(',')}]`]);
    },
    async claim(owner, now, leaseMs, limit, chat) {
      if (chat !== undefined) {
        if (limit <= 0) return [];
        return claimChat({ chat, owner, now, leaseUntil: now + leaseMs });
      }
      // One statement (one pipelined round trip, not a five-statement transaction on a pooled client).
      // The heads come from the statement's snapshot; FOR UPDATE re-checks each against its newest
      // version, so a head another instance settled or claimed meanwhile drops out, as before.
      const claimable = claimableAt('$1');
      // Every chat's head; re-checked under its row lock.
      const heads = `SELECT id FROM (SELECT DISTINCT ON (chat) id, seq, state, not_before, lease_until FROM outbox
          WHERE state IN ('pending', 'sending') ORDER BY chat, seq) h
        WHERE ${claimable} ORDER BY seq LIMIT $2`;
      const rows = await db.q<Row>(
        `WITH heads AS (${heads}),
         locked AS (
           SELECT id FROM outbox WHERE id IN (SELECT id FROM heads) AND ${claimable} FOR UPDATE SKIP LOCKED)
         UPDATE outbox o SET state = 'sending', owner = $3, lease_until = $4,
           body = o.body || jsonb_build_object('state', 'sending', 'owner', $3::text, 'leaseUntil', $4::bigint)
         FROM locked WHERE o.id = locked.id
         RETURNING o.seq, o.body`,
        [now, Math.max(0, limit), owner, now + leaseMs],
      );
      return rows.map(toMsg).sort((a, b) => a.seq - b.seq);
    },
    markSent: async (id, owner, result) =>
      (await marks({ id, owner, at: result.at, wa: result.waMessageId || null })).marked,
    async markSentThenList(id, owner, result, view) {
      const wa = result.waMessageId || null;
      // Unsent rows only: list() reads them through the index of unsent rows, which the chat's history
      // does not slow down; in the mark's statement the read would walk that history.
      if (view.states.every((st) => st === 'pending' || st === 'sending')) {
        const { marked } = await marks({ id, owner, at: result.at, wa });
        return { marked, rows: await repo.list(view) };
      }
      return marks({ id, owner, at: result.at, wa, view });
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
      // The sandbox's check of its chat (not of unfinished rows only, which the partial index serves).
      const { chat, states, limit, ...rest } = query;
      if (
        chat !== undefined &&
        states?.length &&
        !states.every((st) => st === 'pending' || st === 'sending') &&
        Object.values(rest).every((v) => v === undefined)
      )
        return listChat({ chat, states, limit: Math.max(0, limit) });
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
  return repo;
}
