// The producers' side of the outbox: enqueue (durable, idempotent per id), then tell the drainer.
import type { OutboxInput, OutboxMessage, Store, WriteUnit } from '../store/types.js';

export interface Outbox {
  /** Durable before resolving; an id enqueued twice is stored once; the array order is the send order. */
  send(messages: OutboxInput[]): Promise<void>;
  /** After a store.commit that carried outbox rows (for these chats): the drainer looks now. */
  kick(chats?: readonly string[]): void;
  /**
   * The claim a turn's rows for this chat can be written with (WriteUnit.claim), when this process sends
   * them right after the turn (the sandbox answering its chat); undefined otherwise.
   */
  claimFor?(chat: string): WriteUnit['claim'] | undefined;
  /** The rows a commit wrote claimed (CommitResult.claimed): handed to the sender the claim was for. */
  adopt?(messages: readonly OutboxMessage[]): void;
}

export function createOutbox(deps: {
  store: Pick<Store, 'outbox'>;
  kick: (chats?: readonly string[]) => void;
  claimFor?: (chat: string) => WriteUnit['claim'] | undefined;
  adopt?: (messages: readonly OutboxMessage[]) => void;
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
    claimFor: (chat) => deps.claimFor?.(chat),
    adopt: (messages) => deps.adopt?.(messages),
  };
}

export const text = (t: string) => ({ type: 'text' as const, text: t });
