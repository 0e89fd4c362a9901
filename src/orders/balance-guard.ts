// "Never take a customer's money for a delivery the merchant balance cannot cover": the balance (briefly
// cached) must cover this delivery plus every delivery still owed by open orders.
import type { IntechApi } from '../intech/api.js';
import type { Store } from '../store/types.js';
import type { Order, OrderState } from './types.js';

/** Orders whose delivery has not been paid out of the merchant balance yet (or may not have been). */
const OWING: OrderState[] = ['created', 'collecting', 'collected', 'delivering'];

export type BalanceVerdict =
  | { ok: true; balance: number; owed: number }
  | { ok: false; reason: 'low' | 'unavailable'; balance?: number; owed?: number };

export function createBalanceGuard(deps: {
  intech: IntechApi;
  store: Store;
  cacheMs: number;
  now: () => number;
}) {
  let cached: { balance: number; at: number } | null = null;

  async function balance(): Promise<number> {
    const t = deps.now();
    if (cached && t - cached.at < deps.cacheMs) return cached.balance;
    const b = await deps.intech.getBalance();
    cached = { balance: b.balance, at: deps.now() };
    return b.balance;
  }

  return {
    async check(order: Order): Promise<BalanceVerdict> {
      let b: number;
      try {
        b = await balance();
      } catch {
        // Unknown balance: refuse rather than risk collecting for something we cannot deliver.
        return { ok: false, reason: 'unavailable' };
      }
      const open = await deps.store.orders.listOpen();
      const owed = open
        .filter((o) => o.id !== order.id && OWING.includes(o.state))
        .reduce((sum, o) => sum + o.amount, 0);
      if (b < order.amount + owed) return { ok: false, reason: 'low', balance: b, owed };
      return { ok: true, balance: b, owed };
    },
    /** After a delivery is refused for merchant balance, do not trust the cache. */
    invalidate(): void {
      cached = null;
    },
  };
}
