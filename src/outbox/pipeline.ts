// The outbox wired for the composition root (src/bot.ts): producers get `outbox` at once, the channel gets
// `onDelivery` / `flushChat` before the drainer exists, and attach() builds the drainer once the channel,
// the alerter and the order service do (they need each other: late binding instead of a cycle).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.js';
import type { OutboxMessage, Store } from '../store/types.js';
import { recordBroadcastAck } from './broadcast-acks.js';
import { createDeliveryTracker, type DeliveryUpdate } from './delivery.js';
import { type ChatCheck, createDrainer, type Drainer, type SendTarget } from './drainer.js';
import type { SendErrorKind } from './errors.js';
import { createOutbox, type Outbox } from './outbox.js';
import { createPacer } from './pacer.js';

export interface OutboxAttachment {
  channel: SendTarget;
  /** Sends per minute when messages leave; undefined = no rate (sandbox). */
  perMinute?: number;
  alert: (kind: string, message: string) => void;
  onSendError?: (kind: SendErrorKind) => void;
  /** A message given up on (permanent error, too many attempts). */
  onFailed?: (message: OutboxMessage, error: string) => Promise<void> | void;
  /** WhatsApp refused a receipt it had accepted (messages.update ERROR). */
  onReceiptUndelivered?: (orderId: string, chat: string, error: string | undefined) => Promise<void>;
}

export function createOutboxPipeline(deps: { store: Store; logger: Logger }) {
  const log = deps.logger;
  let drainer: Drainer | undefined;
  let attached: OutboxAttachment | undefined;
  const outbox: Outbox = createOutbox({
    store: deps.store,
    kick: (chats) => drainer?.kick(chats),
    claimFor: (chat) => drainer?.claimFor(chat),
    adopt: (messages) => drainer?.adopt(messages),
  });
  const delivery = createDeliveryTracker({
    outbox: deps.store.outbox,
    onError: async (m, error) => {
      if (m.kind === 'receipt' && m.orderId) await attached?.onReceiptUndelivered?.(m.orderId, m.chat, error);
    },
    onRecorded: (m, status) =>
      recordBroadcastAck(deps.store.broadcasts, m, status, m.deliveryAt ?? Date.now()),
    logger: log,
  });
  return {
    outbox,
    onDelivery: (u: DeliveryUpdate) => void delivery.handle(u),
    flushChat: (chat: string, check?: ChatCheck) =>
      drainer?.flushChat(chat, undefined, check) ?? Promise.resolve(true),
    holdChat: (chat: string) => drainer?.holdChat(chat) ?? (() => undefined),
    attach(a: OutboxAttachment): Drainer {
      attached = a;
      drainer = createDrainer({
        outbox: deps.store.outbox,
        channel: a.channel,
        // Unique per process: a crashed process's claims are taken again once their lease ends.
        owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        pacer: createPacer({
          ...(a.perMinute ? { perMinute: a.perMinute } : {}),
          now: Date.now,
          random: Math.random,
        }),
        now: Date.now,
        random: Math.random,
        onAlert: a.alert,
        ...(a.onSendError ? { onSendError: a.onSendError } : {}),
        ...(a.onFailed ? { onFailed: a.onFailed } : {}),
        logger: log,
      });
      return drainer;
    },
  };
}
