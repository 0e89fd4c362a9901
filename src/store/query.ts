// Pure helpers shared by every Store implementation, so they all filter and sort the same way.
import { TERMINAL_STATES, type Order, type OrderState } from '../orders/types.js';
import type { CallbackRecord, OrderQuery } from './types.js';

/** The fields list() filters and sorts on; an archived order is indexed by these alone. */
export type OrderSummary = Pick<
  Order,
  'id' | 'customerId' | 'state' | 'createdAt' | 'recipient' | 'account'
> & {
  payment?: { payer: string };
};

export function isTerminal(state: OrderState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** Non-empty externalTransactionIds of an order's operations (refund/claim have none). */
export function externalIds(order: Order): string[] {
  const ids: string[] = [];
  for (const op of Object.values(order.operations)) {
    if (op?.externalTransactionId) ids.push(op.externalTransactionId);
  }
  return ids;
}

export function matchesQuery(o: OrderSummary, q: OrderQuery): boolean {
  if (q.customerId !== undefined && o.customerId !== q.customerId) return false;
  if (q.payer !== undefined && o.payment?.payer !== q.payer) return false;
  if (q.states && !q.states.includes(o.state)) return false;
  if (q.since !== undefined && o.createdAt < q.since) return false;
  if (q.search) {
    const needle = q.search.trim().toLowerCase();
    if (needle) {
      const hay = [o.id, o.recipient ?? '', o.account ?? ''];
      if (!hay.some((h) => h.toLowerCase().includes(needle))) return false;
    }
  }
  return true;
}

/** Newest first; ties broken by id so the order is stable across implementations. */
export function newestFirst(a: OrderSummary, b: OrderSummary): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function summarize(o: Order): OrderSummary {
  const s: OrderSummary = { id: o.id, customerId: o.customerId, state: o.state, createdAt: o.createdAt };
  if (o.recipient !== undefined) s.recipient = o.recipient;
  if (o.account !== undefined) s.account = o.account;
  if (o.payment?.payer !== undefined) s.payment = { payer: o.payment.payer };
  return s;
}

/** A page of hits already sorted newest first; the cursor names the last item returned. */
export function pageOrders<T extends OrderSummary>(
  hits: T[],
  limit: number,
  cursor?: string | null,
): { items: T[]; next: string | null } {
  let start = 0;
  if (cursor) {
    const [createdAt, id] = JSON.parse(cursor) as [number, string];
    const at = { id, createdAt, customerId: '', state: 'created' } as OrderSummary;
    let hi = hits.length;
    while (start < hi) {
      const mid = (start + hi) >>> 1;
      if (newestFirst(at, hits[mid]!) >= 0) start = mid + 1;
      else hi = mid;
    }
  }
  const items = hits.slice(start, start + Math.max(0, limit));
  const last = items[items.length - 1];
  const more = start + items.length < hits.length;
  return { items, next: more && last ? JSON.stringify([last.createdAt, last.id]) : null };
}

export function callbackKey(
  rec: Pick<CallbackRecord, 'externalTransactionId' | 'transactionId' | 'status'>,
): string {
  return JSON.stringify([rec.externalTransactionId, rec.transactionId, rec.status]);
}

/** Sliding window: the timestamps still inside (now - windowMs, now]. */
export function inWindow(times: readonly number[], now: number, windowMs: number): number[] {
  return times.filter((t) => t > now - windowMs && t <= now);
}

/**
 * Deep copy through JSON: callers never hold a reference into stored state, and every implementation
 * stores exactly what a JSON file or a jsonb column would (undefined fields dropped, Dates as strings).
 */
export function copy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export class StoreClosedError extends Error {
  constructor() {
    super('store is closed');
    this.name = 'StoreClosedError';
  }
}

export class DuplicateOrderError extends Error {
  constructor(id: string) {
    super(`order ${id} already exists`);
    this.name = 'DuplicateOrderError';
  }
}
