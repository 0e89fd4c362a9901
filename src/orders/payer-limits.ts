// Paying from another number than the chat's (finding 3 of #13): a debit request goes to that wallet, so a
// customer may do it only within limits, and the daily cap counts the payer as well as the customer.
import type { Store } from '../store/types.js';
import type { OrderState, PlaceOrderInput } from './types.js';

export interface PayerLimits {
  /** Distinct payer numbers other than their own a customer may use per (UTC) day. */
  distinctPerDay: number;
  /** Payment requests waiting on one payer number placed from other chats. */
  pendingPerPayer: number;
  /** Daily total per payer number (whoever asks), as the customer's own cap. */
  dailyTotalXof: number;
}

export const DEFAULT_PAYER_LIMITS: PayerLimits = {
  distinctPerDay: 2,
  pendingPerPayer: 1,
  dailyTotalXof: 500_000,
};

export type PayerWhy = 'distinct' | 'pending' | 'daily_total';

/** Orders that took no money (or gave it back) count in no cap. */
const NOT_COUNTED: readonly OrderState[] = ['cancelled', 'collect_failed', 'refunded'];
/** A request still waiting on the payer's phone (or about to be sent). */
const PENDING: readonly OrderState[] = ['created', 'collecting'];

function startOfDayUtc(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export async function checkPayerLimits(
  store: Store,
  input: PlaceOrderInput,
  now: number,
  limits: Partial<PayerLimits> = {},
): Promise<{ ok: true } | { ok: false; why: PayerWhy }> {
  const l = { ...DEFAULT_PAYER_LIMITS, ...limits };
  const payer = input.payment.payer;
  const since = startOfDayUtc(now);
  const own = payer === input.customerId;
  // `payer` is part of the store contract; the filter is repeated here so a store without it stays right.
  const payerToday = (await store.orders.list({ payer, since })).filter((o) => o.payment.payer === payer);
  const total = payerToday
    .filter((o) => !NOT_COUNTED.includes(o.state))
    .reduce((sum, o) => sum + o.amount, 0);
  if (total + input.amount > l.dailyTotalXof) return { ok: false, why: 'daily_total' };
  if (own) return { ok: true };
  const pending = payerToday.filter((o) => PENDING.includes(o.state) && o.customerId !== payer);
  if (pending.length >= l.pendingPerPayer) return { ok: false, why: 'pending' };
  const mine = await store.orders.list({ customerId: input.customerId, since });
  const others = new Set(
    mine.map((o) => o.payment.payer).filter((p) => p !== input.customerId && p !== undefined),
  );
  if (!others.has(payer) && others.size >= l.distinctPerDay) return { ok: false, why: 'distinct' };
  return { ok: true };
}
