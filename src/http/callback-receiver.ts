// Where a verified callback goes: an order's copy is recorded with the order's compare-and-set (one
// transaction) before the 200; broadcasts and admin alerts (their own WHATSAPP_MESSAGING ids) are recorded,
// then handled.
import { isAlertExtId } from '../admin/alerter.js';
import { isBroadcastExtId } from '../admin/broadcasts.js';
import type { CallbackBody } from '../intech/types.js';
import type { Logger } from '../logger.js';
import type { OrderService } from '../orders/service.js';
import type { Order } from '../orders/types.js';
import type { Store } from '../store/types.js';
import type { CallbackRouterDeps } from './callback-route.js';

export interface CallbackReceiverDeps {
  store: Store;
  orders: Pick<OrderService, 'handleCallback'>;
  broadcasts: { handleCallback(body: CallbackBody): Promise<unknown> };
  logger: Logger;
}

export function createCallbackReceiver(deps: CallbackReceiverDeps): CallbackRouterDeps['receive'] {
  return async (body, known, record, stored) => {
    const ext = body.transaction.externalTransactionId;
    if (isAlertExtId(ext) || isBroadcastExtId(ext)) {
      if (record) await deps.store.callbacks.record(record);
      stored();
      if (isBroadcastExtId(ext)) return deps.broadcasts.handleCallback(body);
      // An admin alert sent through WHATSAPP_MESSAGING: nothing to apply (never an "unknown" alert loop).
      deps.logger.info({ ext, status: body.status }, 'admin alert via Intech: callback');
      return;
    }
    const found = typeof known === 'object' ? (known as Order) : undefined;
    if (!record) {
      // A copy this process recorded before: nothing to store, the answer does not wait.
      stored();
      return deps.orders.handleCallback(body, found);
    }
    return deps.orders.handleCallback(body, found, { callback: record, stored });
  };
}
