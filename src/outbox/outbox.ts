// The producers' side of the outbox: enqueue (durable, idempotent per id), then tell the drainer.
import type { OutboxInput, Store } from '../store/types.js';

export interface Outbox {
  /** Durable before resolving; an id enqueued twice is stored once; the array order is the send order. */
  send(messages: OutboxInput[]): Promise<void>;
  /** After a store.commit that carried outbox rows (for these chats): the drainer looks now. */
  kick(chats?: readonly string[]): void;
}

export function createOutbox(deps: {
  store: Pick<Store, 'outbox'>;
  kick: (chats?: readonly string[]) => void;
  now?: () => number;
}): Outbox {
  const now = deps.now ?? Date.now;
  return {
    async send(messages) {
      if (messages.length === 0) return;
      await deps.store.outbox.enqueue(messages, now());
      deps.kick(messages.map((m) => m.chat));
    },
    kick: deps.kick,
  };
}

export const text = (t: string) => ({ type: 'text' as const, text: t });
