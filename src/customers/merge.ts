// One person, one customer: a WhatsApp chat first known only by its LID ("…@lid") becomes a customer
// of its own; once its phone number is known, that LID-only customer is folded into the phone-number
// customer (conversation, beneficiaries, wallet, orders for the daily cap) and deleted.
// planMerge is pure; mergeLidCustomer applies it, in an order that a crash can resume from: the LID
// customer is deleted last, so a merge cut short is simply run again on the next message.
import type { Logger } from '../logger.js';
import type { Order } from '../orders/types.js';
import { updateCustomer } from '../store/cas.js';
import type { Beneficiary, Customer, Store } from '../store/types.js';

export interface MergePlan {
  /** The phone-number customer as it must be stored (version = the one it replaces, 1 when new). */
  customer: Customer;
  /** Whose conversation continues under the phone id: the more recently active one. */
  conversation: 'lid' | 'phone' | 'none';
}

const updatedAtOf = (conv: unknown): number => {
  const t = (conv as { updatedAt?: unknown } | null | undefined)?.updatedAt;
  return typeof t === 'number' ? t : 0;
};

function mergeBeneficiaries(kept: Beneficiary[], extra: Beneficiary[]): Beneficiary[] {
  // The phone customer's nicknames win; the LID's are added when the name is new.
  const names = new Set(kept.map((b) => b.nickname.toLowerCase()));
  return [...kept, ...extra.filter((b) => !names.has(b.nickname.toLowerCase()))];
}

/** Pure: the merged customer and which conversation continues. */
export function planMerge(input: {
  lid: Customer;
  /** The phone-number customer, when it exists already. */
  target?: Customer | undefined;
  phone: string;
  lidConversation?: unknown;
  targetConversation?: unknown;
}): MergePlan {
  const { lid, target, phone } = input;
  const recent = target && target.lastSeenAt >= lid.lastSeenAt ? target : lid;
  const aliases = [...new Set([...(target?.aliases ?? []), lid.id, ...(lid.aliases ?? [])])].filter(
    (a) => a !== phone,
  );
  const wallet = target?.wallet ?? lid.wallet;
  const customer: Customer = {
    id: phone,
    version: target?.version ?? 1,
    phone,
    lang: recent.lang,
    // A STOP said under either identity holds; a human handoff under either holds.
    subscribed: (target?.subscribed ?? true) && lid.subscribed,
    paused: Boolean(target?.paused || lid.paused),
    ...(wallet ? { wallet } : {}),
    beneficiaries: mergeBeneficiaries(target?.beneficiaries ?? [], lid.beneficiaries ?? []),
    firstSeenAt: Math.min(target?.firstSeenAt ?? lid.firstSeenAt, lid.firstSeenAt),
    lastSeenAt: Math.max(target?.lastSeenAt ?? 0, lid.lastSeenAt),
    aliases,
  };
  const lidConv = input.lidConversation ?? undefined;
  const phoneConv = input.targetConversation ?? undefined;
  const conversation =
    lidConv === undefined && phoneConv === undefined
      ? 'none'
      : lidConv !== undefined && (phoneConv === undefined || updatedAtOf(lidConv) > updatedAtOf(phoneConv))
        ? 'lid'
        : 'phone';
  return { customer, conversation };
}

/** Compare-and-set an order onto the phone id; another writer (the saga) winning means: reload, redo. */
async function moveOrder(store: Store, order: Order, phone: string): Promise<void> {
  let cur: Order | undefined = order;
  for (let attempt = 0; attempt < 20 && cur && cur.customerId !== phone; attempt++) {
    if (await store.orders.update({ ...cur, customerId: phone }, cur.version)) return;
    cur = await store.orders.get(order.id);
  }
  if (cur && cur.customerId !== phone)
    throw new Error(`order ${order.id}: could not move it to the merged customer`);
}

/** Orders of one customer looked at per merge: far more than a LID-only customer ever has. */
const MAX_ORDERS = 1_000;

/**
 * Merges the LID-only customer `lidId` into the phone-number customer `phone`. Idempotent; 'none' when
 * there is no LID customer (already merged, or it never wrote).
 */
export async function mergeLidCustomer(
  store: Store,
  lidId: string,
  phone: string,
  logger?: Logger,
): Promise<'merged' | 'none'> {
  const lid = await store.customers.get(lidId);
  if (!lid || lidId === phone) return 'none';
  const [lidConversation, targetConversation] = await Promise.all([
    store.conversations.get(lidId),
    store.conversations.get(phone),
  ]);
  const first = planMerge({
    lid,
    target: await store.customers.get(phone),
    phone,
    lidConversation,
    targetConversation,
  });
  const { created } = await store.customers.getOrCreate(first.customer);
  if (!created) {
    // Re-planned on the stored copy each try: a STOP or pause written meanwhile is kept.
    await updateCustomer(store.customers, phone, (cur) => {
      const next = planMerge({ lid, target: cur, phone }).customer;
      return { ...next, version: cur.version };
    });
  }
  if (first.conversation === 'lid') await store.conversations.save(phone, lidConversation);
  // The daily cap and "my orders" read orders by customerId: the LID's orders become the phone's.
  const orders = await store.orders.list({ customerId: lidId, limit: MAX_ORDERS });
  for (const o of orders) await moveOrder(store, o, phone);
  await store.conversations.delete(lidId);
  await store.customers.delete(lidId);
  logger?.info(
    { orders: orders.length, conversation: first.conversation },
    'LID customer merged into phone customer',
  );
  return 'merged';
}
