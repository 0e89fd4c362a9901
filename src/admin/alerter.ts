// Admin alerts: stored (dashboard) and sent to every admin number through the chat channel.
import { randomUUID } from 'node:crypto';
import type { AdminAlerter } from '../channels/channel.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';

export function createAdminAlerter(deps: {
  store: Store;
  /** The outbox's text sender (src/outbox textSender): alerts are queued like every message. */
  channel: () => { sendText(chat: string, text: string): Promise<void> } | undefined;
  adminNumbers: string[];
  logger: Logger;
  now?: () => number;
}): AdminAlerter {
  const now = deps.now ?? Date.now;
  return {
    async alert(kind, message, orderId) {
      await deps.store.alerts.add({
        id: randomUUID(),
        at: now(),
        kind,
        message,
        ...(orderId ? { orderId } : {}),
        resolved: false,
      });
      deps.logger.warn({ kind, orderId }, `admin alert: ${message}`);
      const channel = deps.channel();
      if (!channel) return;
      const text = `⚠️ *${kind}*${orderId ? ` (${orderId})` : ''}\n${message}`;
      // One admin unreachable must not stop the others from hearing about it.
      await Promise.allSettled(deps.adminNumbers.map((a) => channel.sendText(a, text)));
    },
  };
}
