// Today's figures (pure over a list of orders). Senegal and Côte d'Ivoire both live on UTC, so "today"
// is the UTC day.
import type { Order, OrderState } from '../orders/types.js';

const DELIVERED: OrderState[] = ['delivered', 'completed'];
const FAILED: OrderState[] = ['collect_failed', 'refunding', 'refunded', 'needs_human'];
const REFUND_PENDING: OrderState[] = ['refunding', 'needs_human'];

export interface DayStats {
  day: string;
  orders: number;
  delivered: number;
  /** Whole XOF delivered. */
  volume: number;
  failures: number;
  refundsPending: number;
  inProgress: number;
  /** Delivered volume by UTC hour, 24 entries. */
  byHour: number[];
}

export function startOfDay(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function dayStats(orders: Order[], now: number): DayStats {
  const since = startOfDay(now);
  const today = orders.filter((o) => o.createdAt >= since && o.createdAt < since + 86_400_000);
  const byHour = Array.from({ length: 24 }, () => 0);
  let volume = 0;
  let delivered = 0;
  for (const o of today) {
    if (!DELIVERED.includes(o.state)) continue;
    delivered++;
    volume += o.amount;
    const h = new Date(o.createdAt).getUTCHours();
    byHour[h] = (byHour[h] ?? 0) + o.amount;
  }
  return {
    day: new Date(since).toISOString().slice(0, 10),
    orders: today.length,
    delivered,
    volume,
    failures: today.filter((o) => FAILED.includes(o.state)).length,
    // Pending refunds matter whatever day the order was placed.
    refundsPending: orders.filter((o) => REFUND_PENDING.includes(o.state)).length,
    inProgress: today.filter(
      (o) => !DELIVERED.includes(o.state) && !FAILED.includes(o.state) && o.state !== 'cancelled',
    ).length,
    byHour,
  };
}

/** Today's orders plus every order still waiting for a refund or a person, whatever its day. */
export async function loadDayStats(
  orders: { list(q: { since?: number; states?: OrderState[]; limit?: number }): Promise<Order[]> },
  now: number,
): Promise<DayStats> {
  const today = await orders.list({ since: startOfDay(now), limit: 100_000 });
  const pending = await orders.list({ states: REFUND_PENDING, limit: 100_000 });
  const byId = new Map([...today, ...pending].map((o) => [o.id, o]));
  return dayStats([...byId.values()], now);
}
