// The small repos over the tables: conversations, alerts, status lookups, leases.
import { inWindow } from '../query.js';
import type { Alert, AlertRepo, ConversationRepo, Lease, LeaseRepo, StatusLookupRepo } from '../types.js';
import type { Tables, Tx } from './engine.js';
import { ExpiryHeap } from './expiry.js';

export const CONVERSATIONS = 'conversations';
export const ALERTS = 'alerts';
export const LOOKUPS = 'status-lookups';
export const LEASES = 'leases';

/** Inside a write: the conversation part of a turn (null deletes). */
export function saveConversation(tx: Tx, customerId: string, state: unknown | null): void {
  if (state === null || state === undefined) tx.del(CONVERSATIONS, customerId);
  else tx.put(CONVERSATIONS, customerId, state);
}

export function conversationsRepo(db: Tables): ConversationRepo {
  return {
    async get(customerId) {
      db.guard();
      return db.read(CONVERSATIONS, customerId);
    },
    async save(customerId, state) {
      await db.write((tx) => saveConversation(tx, customerId, state));
    },
    async delete(customerId) {
      await db.write((tx) => saveConversation(tx, customerId, null));
    },
  };
}

export function alertsRepo(db: Tables): AlertRepo {
  return {
    async add(alert) {
      await db.write((tx) => {
        if (tx.get(ALERTS, alert.id) === undefined) tx.put(ALERTS, alert.id, alert);
      });
    },
    async list(filter) {
      db.guard();
      const out: Alert[] = [];
      for (const text of db.table(ALERTS).values()) {
        const a = JSON.parse(text) as Alert;
        if (filter?.resolved !== undefined && a.resolved !== filter.resolved) continue;
        out.push(a);
      }
      out.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      return filter?.limit !== undefined ? out.slice(0, Math.max(0, filter.limit)) : out;
    },
    async resolve(id) {
      await db.write((tx) => {
        const a = db.read<Alert>(ALERTS, id);
        if (a && !a.resolved) tx.put(ALERTS, id, { ...a, resolved: true });
      });
    },
  };
}

/** Transactions not looked up for `retentionMs` are forgotten, without scanning the table. */
export function statusLookupsRepo(db: Tables, retentionMs: number): StatusLookupRepo {
  const expiry = new ExpiryHeap();
  db.onChange(LOOKUPS, (ext, next, _prev, parsed) => {
    if (next === undefined) return;
    const times = (parsed ?? JSON.parse(next)) as number[];
    if (times.length) expiry.push(Math.max(...times) + retentionMs, ext);
  });
  const prune = (now: number): void => {
    expiry.popExpired(now, (ext, at) => {
      const times = db.read<number[]>(LOOKUPS, ext);
      if (times && Math.max(...times) + retentionMs <= at) db.forget(LOOKUPS, ext);
    });
  };
  return {
    tryAcquire(ext, now, max, windowMs) {
      return db.write((tx) => {
        prune(now);
        const times = inWindow(db.read<number[]>(LOOKUPS, ext) ?? [], now, windowMs);
        if (times.length >= max) return false;
        tx.put(LOOKUPS, ext, [...times, now]);
        return true;
      });
    },
    async count(ext, now, windowMs) {
      db.guard();
      return inWindow(db.read<number[]>(LOOKUPS, ext) ?? [], now, windowMs).length;
    },
  };
}

export function leasesRepo(db: Tables): LeaseRepo {
  return {
    acquire(name, owner, now, ttlMs) {
      return db.write((tx) => {
        const cur = db.read<Lease>(LEASES, name);
        let next: Lease;
        if (cur && cur.expiresAt > now) {
          if (cur.owner !== owner) return null;
          next = { ...cur, expiresAt: Math.max(cur.expiresAt, now + ttlMs) };
        } else {
          next = { name, owner, epoch: (cur?.epoch ?? 0) + 1, expiresAt: now + ttlMs };
        }
        tx.put(LEASES, name, next);
        return next;
      });
    },
    renew(name, owner, epoch, now, ttlMs) {
      return db.write((tx) => {
        const cur = db.read<Lease>(LEASES, name);
        if (!cur || cur.owner !== owner || cur.epoch !== epoch || cur.expiresAt <= now) return null;
        const next = { ...cur, expiresAt: Math.max(cur.expiresAt, now + ttlMs) };
        tx.put(LEASES, name, next);
        return next;
      });
    },
    async release(name, owner, epoch) {
      await db.write((tx) => {
        const cur = db.read<Lease>(LEASES, name);
        if (!cur || cur.owner !== owner || cur.epoch !== epoch) return;
        tx.put(LEASES, name, { ...cur, expiresAt: 0 });
      });
    },
    async get(name) {
      db.guard();
      return db.read<Lease>(LEASES, name);
    },
  };
}
