// Settled orders for bench:pg's callback workload: each one's collect operation succeeded, so a callback
// for it is a duplicate the bot acknowledges and ignores.
import type { Order } from '../src/orders/types.js';
import type { Store } from '../src/store/types.js';
import { buildCallbackBody } from '../test/helpers/intech-signer.js';

function settled(i: number): Order {
  const id = `BP${i.toString(36).toUpperCase().padStart(6, '0')}`;
  const at = Date.now() - 3_600_000 + i;
  const payer = `+22177${String(3_000_000 + i).slice(-7)}`;
  return {
    id,
    version: 1,
    customerId: payer,
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1_000,
    recipient: payer,
    payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer },
    state: 'completed',
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-collect`,
        codeService: 'WAVE_SN_API_CASH_OUT',
        amount: 1_000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: `TXB${i}C`,
        recordedAt: at,
        sentAt: at + 1_000,
        settledAt: at + 30_000,
      },
      deliver: {
        step: 'deliver',
        externalTransactionId: `${id}-deliver`,
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        amount: 1_000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: `TXB${i}D`,
        recordedAt: at + 31_000,
        sentAt: at + 32_000,
        settledAt: at + 40_000,
      },
    },
    events: [
      { at, type: 'created' },
      { at: at + 30_000, type: 'collected' },
      { at: at + 40_000, type: 'delivered' },
      { at: at + 41_000, type: 'completed' },
    ],
    createdAt: at,
    updatedAt: at + 41_000,
    receiptVia: 'chat',
  };
}

/** Stores n settled orders; returns the (unsigned) success callback of each one's collect operation. */
export async function seedSettledOrders(store: Store, n: number) {
  const bodies: ReturnType<typeof buildCallbackBody>[] = [];
  for (let i = 0; i < n; i++) {
    const o = await store.orders.create(settled(i));
    const op = o.operations.collect!;
    bodies.push(
      buildCallbackBody(op.externalTransactionId, {
        transactionId: op.transactionId!,
        codeService: op.codeService,
        amount: op.amount,
        phone: o.payment.payer.slice(4),
        data: { orderId: o.id },
      }),
    );
  }
  return bodies;
}
