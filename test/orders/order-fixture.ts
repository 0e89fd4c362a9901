// The order every pure order test starts from: an airtime order just created, nothing sent yet.
import type { Order } from '../../src/orders/types.js';

export function createdOrder(id: string, at: number): Order {
  return {
    id,
    version: 1,
    customerId: '+221771234567',
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1000,
    recipient: '+221771112233',
    payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221771234567' },
    state: 'created',
    operations: {},
    events: [],
    createdAt: at,
    updatedAt: at,
  };
}
