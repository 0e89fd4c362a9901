// Broadcast headers (small, rewritten rarely) and one row per recipient: marking one recipient writes
// that row alone, whatever the broadcast's size.
import type { Broadcast, BroadcastRepo, RecipientRecord, RecipientStatus } from '../types.js';
import type { Tables } from './engine.js';
import { pageAfter } from './sorted.js';

export const BROADCASTS = 'broadcasts';
export const RECIPIENTS = 'broadcast-recipients';

export const recipientKey = (broadcastId: string, customerId: string): string =>
  JSON.stringify([broadcastId, customerId]);

interface PerBroadcast {
  status: Map<string, RecipientStatus>;
  counts: Partial<Record<RecipientStatus, number>>;
  sorted?: string[];
}

export function broadcastsRepo(db: Tables, now: () => number): BroadcastRepo {
  const per = new Map<string, PerBroadcast>();
  const of = (b: string): PerBroadcast => {
    let p = per.get(b);
    if (!p) {
      p = { status: new Map(), counts: {} };
      per.set(b, p);
    }
    return p;
  };
  db.onChange(RECIPIENTS, (key, next, _prev, parsed) => {
    const [b, c] = JSON.parse(key) as [string, string];
    const p = of(b);
    const old = p.status.get(c);
    if (old) p.counts[old] = (p.counts[old] ?? 1) - 1;
    if (next === undefined) {
      p.status.delete(c);
      p.sorted = undefined;
      return;
    }
    const rec = (parsed ?? JSON.parse(next)) as RecipientRecord;
    if (!old) p.sorted = undefined;
    p.status.set(c, rec.status);
    p.counts[rec.status] = (p.counts[rec.status] ?? 0) + 1;
  });

  const readHeader = (id: string) => db.read<Broadcast>(BROADCASTS, id);

  return {
    async create(b) {
      await db.write((tx) => {
        if (tx.get(BROADCASTS, b.id) !== undefined) throw new Error(`broadcast ${b.id} already exists`);
        tx.put(BROADCASTS, b.id, b);
      });
    },
    async get(id) {
      db.guard();
      return readHeader(id);
    },
    async list(limit) {
      db.guard();
      const all = [...db.table(BROADCASTS).values()].map((t) => JSON.parse(t) as Broadcast);
      all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      return all.slice(0, Math.max(0, limit));
    },
    update(id, patch) {
      return db.write((tx) => {
        const cur = readHeader(id);
        if (!cur) return undefined;
        const next: Broadcast = { ...cur };
        for (const [k, v] of Object.entries(patch)) {
          if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
        }
        tx.put(BROADCASTS, id, next);
        return readHeader(id);
      });
    },
    async addRecipients(broadcastId, customerIds, at) {
      await db.write((tx) => {
        const p = per.get(broadcastId);
        for (const c of customerIds) {
          if (p?.status.has(c) || tx.get(RECIPIENTS, recipientKey(broadcastId, c)) !== undefined) continue;
          tx.put(RECIPIENTS, recipientKey(broadcastId, c), {
            customerId: c,
            status: 'pending',
            at,
          } satisfies RecipientRecord);
        }
      });
    },
    mark(broadcastId, customerId, status, opts = {}) {
      return db.write((tx) => {
        const key = recipientKey(broadcastId, customerId);
        const cur = db.read<RecipientRecord>(RECIPIENTS, key);
        if (opts.from && (!cur || !opts.from.includes(cur.status))) return false;
        const rec: RecipientRecord = { customerId, status, at: opts.at ?? now() };
        const ref = opts.ref ?? cur?.ref;
        if (opts.reason !== undefined) rec.reason = opts.reason;
        if (ref !== undefined) rec.ref = ref;
        tx.put(RECIPIENTS, key, rec);
        return true;
      });
    },
    async recipient(broadcastId, customerId) {
      db.guard();
      return db.read<RecipientRecord>(RECIPIENTS, recipientKey(broadcastId, customerId));
    },
    async recipients(broadcastId, { status, limit, cursor }) {
      db.guard();
      const p = per.get(broadcastId);
      if (!p) return { items: [], next: null };
      if (!p.sorted) p.sorted = [...p.status.keys()].sort();
      const all = p.sorted;
      const items: RecipientRecord[] = [];
      let i = cursor ? pageAfter(all, cursor) : 0;
      for (; i < all.length && items.length < limit; i++) {
        const c = all[i]!;
        if (status && !status.includes(p.status.get(c)!)) continue;
        const rec = db.read<RecipientRecord>(RECIPIENTS, recipientKey(broadcastId, c));
        if (rec) items.push(rec);
      }
      const more = items.length === limit && i < all.length;
      return { items, next: more ? items[items.length - 1]!.customerId : null };
    },
    async counts(broadcastId) {
      db.guard();
      const out: Partial<Record<RecipientStatus, number>> = {};
      for (const [k, n] of Object.entries(per.get(broadcastId)?.counts ?? {})) {
        if (n) out[k as RecipientStatus] = n;
      }
      return out;
    },
  };
}
