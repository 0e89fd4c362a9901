// The order every pure order test starts from: an airtime order just created, nothing sent yet.
import type { Order } from '../../src/orders/types.js';
import type { IntechApi } from '../../src/intech/api.js';

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

/** The same order with its collect sent at `at` (Intech's id `T-<id>-collect`), waiting for the outcome. */
export function collectingOrder(id: string, at: number): Order {
  const o = createdOrder(id, at);
  return {
    ...o,
    state: 'collecting',
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-collect`,
        codeService: o.payment.codeService,
        amount: o.amount,
        status: 'sent',
        transactionId: `T-${id}-collect`,
        recordedAt: at,
        sentAt: at + 1_000,
      },
    },
  };
}

/** An Intech that fails the test on any call but those given. */
export function intechWith(calls: Partial<IntechApi>): IntechApi {
  const no = async (): Promise<never> => {
    throw new Error('not expected in this test');
  };
  return {
    listServices: no,
    listErrors: no,
    getBalance: no,
    listPendingBills: no,
    operation: no,
    refundCancel: no,
    newClaim: no,
    getTransactionStatus: no,
    ...calls,
  };
}
