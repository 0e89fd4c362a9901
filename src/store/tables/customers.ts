// Customers: one row per id, compare-and-set on version. Pages walk the ids in ascending order. The
// sorted ids and the subscribed set are built on first use (a broadcast, the dashboard), not on open:
// loading 100 000 customers then needs no parsing at all.
import type { Customer, CustomerRepo } from '../types.js';
import type { Tables } from './engine.js';
import { pageAfter } from './sorted.js';

export const CUSTOMERS = 'customers';

export function customersRepo(db: Tables): CustomerRepo {
  const rows = db.table(CUSTOMERS);
  let subscribedIds: Set<string> | undefined;
  let sorted: string[] | undefined;
  db.onChange(CUSTOMERS, (id, next, prev, parsed) => {
    // Kept sorted in place (a broadcast paging while customers arrive must not re-sort every page).
    if (sorted && (next === undefined) !== (prev === undefined)) {
      if (next !== undefined) sorted.splice(pageAfter(sorted, id), 0, id);
      else {
        const i = pageAfter(sorted, id) - 1;
        if (sorted[i] === id) sorted.splice(i, 1);
      }
    }
    if (!subscribedIds) return;
    const c = next === undefined ? undefined : ((parsed ?? JSON.parse(next)) as Customer);
    if (c?.subscribed) subscribedIds.add(id);
    else subscribedIds.delete(id);
  });
  const ids = (): string[] => {
    if (!sorted) sorted = [...rows.keys()].sort();
    return sorted;
  };
  const subscribed = (): Set<string> => {
    if (!subscribedIds) {
      subscribedIds = new Set();
      for (const [id, text] of rows) if ((JSON.parse(text) as Customer).subscribed) subscribedIds.add(id);
    }
    return subscribedIds;
  };

  return {
    async get(id) {
      db.guard();
      return db.read<Customer>(CUSTOMERS, id);
    },
    getOrCreate(c) {
      return db.write((tx) => {
        const cur = tx.get(CUSTOMERS, c.id);
        if (cur !== undefined) return { customer: JSON.parse(cur) as Customer, created: false };
        const stored = { ...c, version: 1 };
        tx.put(CUSTOMERS, c.id, stored);
        return { customer: JSON.parse(tx.get(CUSTOMERS, c.id)!) as Customer, created: true };
      });
    },
    update(next, expectedVersion) {
      return db.write((tx) => {
        const cur = tx.get(CUSTOMERS, next.id);
        if (cur === undefined || (JSON.parse(cur) as Customer).version !== expectedVersion) return null;
        tx.put(CUSTOMERS, next.id, { ...next, version: expectedVersion + 1 });
        return JSON.parse(tx.get(CUSTOMERS, next.id)!) as Customer;
      });
    },
    async delete(id) {
      await db.write((tx) => {
        tx.del(CUSTOMERS, id);
      });
    },
    async page({ subscribed: sub, limit, cursor }) {
      db.guard();
      const all = ids();
      const subs = sub === undefined ? undefined : subscribed();
      const items: Customer[] = [];
      let i = cursor ? pageAfter(all, cursor) : 0;
      for (; i < all.length && items.length < limit; i++) {
        const id = all[i]!;
        if (subs && subs.has(id) !== sub) continue;
        const c = db.read<Customer>(CUSTOMERS, id);
        if (c) items.push(c);
      }
      const more = items.length === limit && i < all.length;
      return { items, next: more ? items[items.length - 1]!.id : null };
    },
    async count(filter) {
      db.guard();
      if (filter?.subscribed === undefined) return rows.size;
      const n = subscribed().size;
      return filter.subscribed ? n : rows.size - n;
    },
  };
}
