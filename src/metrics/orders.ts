// What one stored order write changed, for the counters: the state entered and the money that moved.
// Pure: compares the order as it was (the version the write replaced) with the order as stored.
import type { Operation, Order, OrderState } from '../orders/types.js';

export interface OrderChange {
  /** Set when the write entered a new state (or created the order). */
  entered?: OrderState;
  /** XOF whose movement this write recorded as final and successful. */
  collected: number;
  delivered: number;
  refunded: number;
}

const succeeded = (op: Operation | undefined) => op?.status === 'success';

/** prev undefined = the order was just created. */
export function orderChange(prev: Order | undefined, next: Order): OrderChange {
  const newly = (step: 'collect' | 'deliver' | 'refund') => {
    const op = next.operations[step];
    return succeeded(op) && !succeeded(prev?.operations[step]) ? (op?.amount ?? 0) : 0;
  };
  // A refund is recorded on the refund operation when there is one; an order that reached `refunded`
  // without one (refund-cancel answered inline) counts the collected amount once.
  let refunded = newly('refund');
  if (
    refunded === 0 &&
    next.state === 'refunded' &&
    prev?.state !== 'refunded' &&
    !next.operations.refund &&
    succeeded(next.operations.collect)
  )
    refunded = next.operations.collect?.amount ?? 0;
  return {
    ...(prev?.state !== next.state ? { entered: next.state } : {}),
    collected: newly('collect'),
    delivered: newly('deliver'),
    refunded,
  };
}
