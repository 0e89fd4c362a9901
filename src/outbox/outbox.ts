// The producers' side of the outbox: enqueue (durable, idempotent per id), then tell the drainer.
import { randomUUID } from 'node:crypto';
import type { OutboxInput, OutboxKind, Store } from '../store/types.js';

export interface Outbox {
  /** Durable before resolving; an id enqueued twice is stored once; the array order is the send order. */
  send(messages: OutboxInput[]): Promise<void>;
  /** After a store.commit that carried outbox rows: the drainer looks now. */
  kick(): void;
}

export function createOutbox(deps: {
  store: Pick<Store, 'outbox'>;
  kick: () => void;
  now?: () => number;
}): Outbox {
  const now = deps.now ?? Date.now;
  return {
    async send(messages) {
      if (messages.length === 0) return;
      await deps.store.outbox.enqueue(messages, now());
      deps.kick();
    },
    kick: deps.kick,
  };
}

export const text = (t: string) => ({ type: 'text' as const, text: t });

/**
 * A `sendText` for callers that only say "send this text" (admin alerts, reports): each call is a new
 * outbox message (random id: such a call is not repeated by a retry of ours).
 */
export function textSender(outbox: Outbox, kind: OutboxKind) {
  return {
    async sendText(chat: string, t: string): Promise<void> {
      await outbox.send([{ id: `${kind}:${randomUUID()}`, chat, kind, payload: text(t) }]);
    },
  };
}
