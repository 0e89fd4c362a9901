// The outbox: one row per message, plus in-memory indexes rebuilt from the rows (per-chat queue of
// unfinished messages in seq order, WhatsApp id, order, broadcast). Claiming looks at each chat's head
// only, so its cost follows the chats with work waiting, not the history. Finished messages sit in a heap
// by doneAt, so retention deletes the oldest without a scan; the listing indexes drop them lazily.
import type {
  DeliveryStatus,
  OutboxInput,
  OutboxMessage,
  OutboxRepo,
  OutboxState,
  WriteUnit,
} from '../types.js';
import type { Tables, Tx } from './engine.js';
import { MinHeap } from './min-heap.js';
import { SeqList } from './seq-list.js';

export const OUTBOX = 'outbox';

interface Meta {
  seq: number;
  chat: string;
  state: OutboxState;
  /** Kept here so claiming decides on a chat's head without parsing its row. */
  notBefore?: number;
  leaseUntil?: number;
  wa?: string;
  orderId?: string;
  broadcastId?: string;
  /** sent/failed: when (rows older than this field existed fall back to sentAt, then createdAt). */
  doneAt?: number;
}

const DELIVERY_RANK: Record<DeliveryStatus, number> = {
  server_ack: 1,
  delivered: 2,
  read: 3,
  played: 4,
  error: 99,
};

const open = (s: OutboxState): boolean => s === 'pending' || s === 'sending';

/**
 * What is kept of a sent message's payload: an image's bytes go (the heavy part of the table), and a text's
 * words unless kept: a sent row then holds what delivery tracking and the timeline use (kind, ids, times),
 * a few hundred bytes for its retention days instead of the whole message.
 */
const lighten = (m: OutboxMessage, keepText: boolean): OutboxMessage['payload'] =>
  m.payload.type === 'image'
    ? { ...m.payload, imageBase64: '' }
    : keepText
      ? m.payload
      : { ...m.payload, text: '' };

/** Ids in seq order; removal is rare and near the head. */
function remove(list: string[] | undefined, id: string): void {
  if (!list) return;
  const i = list.indexOf(id);
  if (i !== -1) list.splice(i, 1);
}

function insertBySeq(list: string[], id: string, seq: number, meta: Map<string, Meta>): void {
  let i = list.length;
  while (i > 0 && meta.get(list[i - 1]!)!.seq > seq) i--;
  list.splice(i, 0, id);
}

function dropFrom(m: Map<string, SeqList>, key: string, isLive: (seq: number) => boolean): void {
  const l = m.get(key);
  if (!l) return;
  l.drop(isLive);
  if (l.live <= 0) m.delete(key);
}

export interface OutboxTables {
  repo: OutboxRepo;
  /** Inside a write: enqueues as part of a larger unit (a conversation turn). */
  /** Rows written claimed (WriteUnit.claim) are returned, in send order. */
  enqueueIn(tx: Tx, messages: OutboxInput[], at: number, claim?: WriteUnit['claim']): OutboxMessage[];
}

export function outboxTables(db: Tables, opts: { keepSentText: boolean }): OutboxTables {
  const meta = new Map<string, Meta>();
  const openByChat = new Map<string, string[]>();
  const bySeq = new Map<number, string>();
  const all = new SeqList();
  const byChat = new Map<string, SeqList>();
  const byOrder = new Map<string, SeqList>();
  const byBroadcast = new Map<string, SeqList>();
  const byWa = new Map<string, string>();
  const done = new MinHeap();
  const isLive = (seq: number) => bySeq.has(seq);
  let nextSeq = 1;
  const depth = { pending: 0, sending: 0 };

  const listFor = <L>(m: Map<string, L>, key: string, make: () => L): L => {
    let l = m.get(key);
    if (!l) {
      l = make();
      m.set(key, l);
    }
    return l;
  };
  const seqList = () => new SeqList();
  const count = (s: OutboxState, d: number): void => {
    if (s === 'pending' || s === 'sending') depth[s] += d;
  };

  db.onChange(OUTBOX, (id, next, _prev, parsed) => {
    const old = meta.get(id);
    const msg = next === undefined ? undefined : ((parsed ?? JSON.parse(next)) as OutboxMessage);
    if (old) count(old.state, -1);
    if (!msg) {
      if (!old) return;
      meta.delete(id);
      bySeq.delete(old.seq);
      all.drop(isLive);
      dropFrom(byChat, old.chat, isLive);
      if (old.orderId) dropFrom(byOrder, old.orderId, isLive);
      if (old.broadcastId) dropFrom(byBroadcast, old.broadcastId, isLive);
      if (old.wa && byWa.get(old.wa) === id) byWa.delete(old.wa);
      if (open(old.state)) remove(openByChat.get(old.chat), id);
      return;
    }
    const m: Meta = { seq: msg.seq, chat: msg.chat, state: msg.state };
    if (msg.notBefore !== undefined) m.notBefore = msg.notBefore;
    if (msg.leaseUntil !== undefined) m.leaseUntil = msg.leaseUntil;
    if (msg.waMessageId) m.wa = msg.waMessageId;
    if (msg.orderId) m.orderId = msg.orderId;
    if (msg.broadcastId) m.broadcastId = msg.broadcastId;
    if (!open(m.state)) m.doneAt = msg.doneAt ?? msg.sentAt ?? msg.createdAt;
    meta.set(id, m);
    count(m.state, 1);
    if (msg.seq >= nextSeq) nextSeq = msg.seq + 1;
    if (!old) {
      bySeq.set(m.seq, id);
      all.insert(m.seq);
      listFor(byChat, m.chat, seqList).insert(m.seq);
      if (m.orderId) listFor(byOrder, m.orderId, seqList).insert(m.seq);
      if (m.broadcastId) listFor(byBroadcast, m.broadcastId, seqList).insert(m.seq);
    }
    // Stale heap entries (undone writes) are skipped when popped: see prune.
    if (m.doneAt !== undefined && m.doneAt !== old?.doneAt) done.push({ at: m.doneAt, id });
    if (old?.wa && old.wa !== m.wa) byWa.delete(old.wa);
    if (m.wa) byWa.set(m.wa, id);
    const wasOpen = old ? open(old.state) : false;
    if (wasOpen && !open(m.state)) {
      const q = openByChat.get(m.chat);
      remove(q, id);
      if (q && !q.length) openByChat.delete(m.chat);
    } else if (!wasOpen && open(m.state)) {
      insertBySeq(
        listFor(openByChat, m.chat, () => [] as string[]),
        id,
        m.seq,
        meta,
      );
    }
  });

  const read = (id: string) => db.read<OutboxMessage>(OUTBOX, id);

  /** Changes a claimed message, only while `owner` holds the claim. */
  const whileClaimed = (
    id: string,
    owner: string,
    change: (m: OutboxMessage) => OutboxMessage,
  ): Promise<boolean> =>
    db.write((tx) => {
      const m = read(id);
      if (m?.state !== 'sending' || m.owner !== owner) return false;
      const next = change(m);
      delete next.owner;
      delete next.leaseUntil;
      tx.put(OUTBOX, id, next);
      return true;
    });

  const enqueueIn = (
    tx: Tx,
    messages: OutboxInput[],
    at: number,
    claim?: WriteUnit['claim'],
  ): OutboxMessage[] => {
    // Judged before any of the unit's rows is written: nothing of the chat is unsent.
    const claiming = claim && !openByChat.get(claim.chat)?.length ? claim : undefined;
    const claimed: OutboxMessage[] = [];
    for (const input of messages) {
      if (tx.get(OUTBOX, input.id) !== undefined) continue;
      const msg: OutboxMessage = { ...input, seq: nextSeq++, createdAt: at, state: 'pending', attempts: 0 };
      if (claiming && input.chat === claiming.chat)
        Object.assign(msg, { state: 'sending', owner: claiming.owner, leaseUntil: claiming.leaseUntil });
      tx.put(OUTBOX, input.id, msg);
      if (msg.state === 'sending') claimed.push(JSON.parse(tx.get(OUTBOX, input.id)!) as OutboxMessage);
    }
    return claimed;
  };

  const repo: OutboxRepo = {
    async enqueue(messages, at) {
      await db.write((tx) => enqueueIn(tx, messages, at));
    },
    claim(owner, now, leaseMs, limit, chat) {
      return db.write((tx) => {
        // Each chat's head, judged on its metadata; only the rows claimed are parsed.
        const free: { id: string; seq: number }[] = [];
        const queues = chat === undefined ? openByChat.values() : [openByChat.get(chat) ?? []];
        for (const ids of queues) {
          const id = ids[0];
          const m = id === undefined ? undefined : meta.get(id);
          if (!id || !m) continue;
          const due = m.state === 'pending' ? (m.notBefore ?? 0) <= now : (m.leaseUntil ?? 0) <= now;
          if (due) free.push({ id, seq: m.seq });
        }
        free.sort((a, b) => a.seq - b.seq);
        const claimed: OutboxMessage[] = [];
        for (const { id } of free.slice(0, Math.max(0, limit))) {
          const m = read(id);
          if (!m) continue;
          const next: OutboxMessage = { ...m, state: 'sending', owner, leaseUntil: now + leaseMs };
          tx.put(OUTBOX, id, next);
          claimed.push(JSON.parse(tx.get(OUTBOX, id)!) as OutboxMessage);
        }
        return claimed;
      });
    },
    markSent(id, owner, result) {
      return whileClaimed(id, owner, (m) => {
        const next: OutboxMessage = {
          ...m,
          payload: lighten(m, opts.keepSentText),
          state: 'sent',
          sentAt: result.at,
          doneAt: result.at,
        };
        if (result.waMessageId) next.waMessageId = result.waMessageId;
        return next;
      });
    },
    async markSentThenList(id, owner, result, view) {
      const marked = await repo.markSent(id, owner, result);
      return { marked, rows: await repo.list(view) };
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
      return db.write((tx) => {
        const id = byWa.get(waMessageId);
        const m = id ? read(id) : undefined;
        if (!m) return undefined;
        const cur = m.delivery ? DELIVERY_RANK[m.delivery] : 0;
        if (DELIVERY_RANK[status] <= cur) return m;
        const next: OutboxMessage = { ...m, delivery: status, deliveryAt: at };
        if (status === 'error') next.deliveryError = error ?? 'error';
        tx.put(OUTBOX, m.id, next);
        return read(m.id);
      });
    },
    async get(id) {
      db.guard();
      return read(id);
    },
    async list(query) {
      db.guard();
      // One chat's unfinished messages (a sandbox turn waiting for its replies): its open queue, not its history.
      if (query.chat !== undefined && query.states?.every(open) && !query.orderId && !query.broadcastId) {
        const ids = openByChat.get(query.chat) ?? [];
        const out: OutboxMessage[] = [];
        for (let i = ids.length - 1; i >= 0 && out.length < query.limit; i--) {
          const m = read(ids[i]!);
          if (m && query.states.includes(m.state)) out.push(m);
        }
        return out;
      }
      const seqs = query.chat
        ? byChat.get(query.chat)
        : query.orderId
          ? byOrder.get(query.orderId)
          : query.broadcastId
            ? byBroadcast.get(query.broadcastId)
            : all;
      const out: OutboxMessage[] = [];
      if (!seqs) return out;
      for (const seq of seqs.newestFirst()) {
        if (out.length >= query.limit) break;
        const id = bySeq.get(seq);
        const m = id === undefined ? undefined : read(id);
        if (!m) continue;
        if (query.chat !== undefined && m.chat !== query.chat) continue;
        if (query.orderId !== undefined && m.orderId !== query.orderId) continue;
        if (query.broadcastId !== undefined && m.broadcastId !== query.broadcastId) continue;
        if (query.states && !query.states.includes(m.state)) continue;
        out.push(m);
      }
      return out;
    },
    prune(before, limit) {
      return db.write((tx) => {
        let n = 0;
        while (n < limit) {
          const top = done.peek();
          if (!top || top.at >= before) break;
          done.pop();
          // An entry left by an undone write no longer matches its row: skipped.
          const m = meta.get(top.id);
          if (!m || open(m.state) || m.doneAt !== top.at) continue;
          if (tx.del(OUTBOX, top.id)) n++;
        }
        return n;
      });
    },
    async depth() {
      db.guard();
      return { ...depth };
    },
  };
  return { repo, enqueueIn };
}
