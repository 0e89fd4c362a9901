// WhatsApp's acknowledgements of what the bot sent (Baileys messages.update), recorded on the outbox row.
// An ERROR (e.g. 463, the recipient's privacy token missing) is handed on, so a receipt can go another way.
import type { Logger } from '../logger.js';
import type { DeliveryStatus, OutboxMessage, OutboxRepo } from '../store/types.js';

export interface DeliveryUpdate {
  waMessageId: string;
  status: DeliveryStatus;
  /** WhatsApp's error code for status 'error' (messageStubParameters[0], e.g. "463"). */
  error?: string;
  at: number;
}

/** proto.WebMessageInfo.Status: ERROR=0, PENDING=1, SERVER_ACK=2, DELIVERY_ACK=3, READ=4, PLAYED=5. */
export function deliveryStatusOf(status: number | null | undefined): DeliveryStatus | undefined {
  switch (status) {
    case 0:
      return 'error';
    case 2:
      return 'server_ack';
    case 3:
      return 'delivered';
    case 4:
      return 'read';
    case 5:
      return 'played';
    default:
      return undefined; // PENDING or unknown: nothing to record
  }
}

export function createDeliveryTracker(deps: {
  outbox: OutboxRepo;
  /** A message WhatsApp reported as not delivered (status ERROR). */
  onError?: (message: OutboxMessage, error: string | undefined) => Promise<void>;
  /** Every status recorded on a row (a broadcast's delivered/read counts). */
  onRecorded?: (message: OutboxMessage, status: DeliveryStatus) => Promise<void>;
  logger?: Logger;
}) {
  return {
    async handle(u: DeliveryUpdate): Promise<void> {
      try {
        const m = await deps.outbox.setDelivery(u.waMessageId, u.status, u.at, u.error);
        if (m) await deps.onRecorded?.(m, u.status);
        if (!m || u.status !== 'error') return;
        deps.logger?.warn(
          { outboxId: m.id, kind: m.kind, error: u.error },
          'WhatsApp could not deliver a message',
        );
        await deps.onError?.(m, u.error);
      } catch (err) {
        deps.logger?.error({ err: (err as Error).message }, 'recording a delivery status failed');
      }
    },
  };
}
