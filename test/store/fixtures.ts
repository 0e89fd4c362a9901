// Test data builders for store tests.
import type { Order } from '../../src/orders/types.js';
import { updateCustomer } from '../../src/store/cas.js';
import type { Broadcast, Customer, Store } from '../../src/store/types.js';

export function makeOrder(id: string, over: Partial<Order> = {}): Order {
  return {
    id,
    version: 1,
    customerId: '+221771234567',
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1000,
    recipient: '+221771234567',
    payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221771234567' },
    state: 'created',
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-C`,
        codeService: 'WAVE_SN_API_CASH_OUT',
        amount: 1000,
        status: 'recorded',
        recordedAt: 1_000,
      },
    },
    events: [{ at: 1_000, type: 'created' }],
    createdAt: 1_000,
    updatedAt: 1_000,
    ...over,
  };
}

/** The order moved to a terminal state with a delivery operation, as the order flow would leave it. */
export function finish(o: Order, state: Order['state'] = 'completed'): Order {
  return {
    ...o,
    state,
    operations: {
      ...o.operations,
      deliver: {
        step: 'deliver',
        externalTransactionId: `${o.id}-D`,
        codeService: o.codeService,
        amount: o.amount,
        status: 'success',
        recordedAt: o.createdAt + 10,
        settledAt: o.createdAt + 20,
      },
    },
    events: [...o.events, { at: o.createdAt + 20, type: state }],
    updatedAt: o.createdAt + 20,
  };
}

export function makeCustomer(id: string, over: Partial<Customer> = {}): Customer {
  return {
    id,
    version: 1,
    phone: id.startsWith('+') ? id : null,
    lang: 'fr',
    subscribed: true,
    paused: false,
    beneficiaries: [],
    firstSeenAt: 1_000,
    lastSeenAt: 1_000,
    ...over,
  };
}

export function makeBroadcast(id: string, over: Partial<Broadcast> = {}): Broadcast {
  return {
    id,
    createdAt: 1_000,
    createdBy: 'admin',
    text: { fr: 'Bonjour' },
    via: 'chat',
    state: 'draft',
    total: 0,
    ...over,
  };
}

/** Test setup: stores `c` as is, creating or overwriting (through getOrCreate + CAS, like callers). */
export async function putCustomer(store: Pick<Store, 'customers'>, c: Customer): Promise<Customer> {
  const { customer, created } = await store.customers.getOrCreate(c);
  if (created) return customer;
  return (await updateCustomer(store.customers, c.id, (cur) => ({ ...c, version: cur.version })))!;
}
