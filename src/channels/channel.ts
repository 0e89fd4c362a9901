// A chat channel: WhatsApp (Baileys) in production, the sandbox chat locally.
import type { OutboxPayload } from '../store/types.js';

export interface InboundMessage {
  /** Channel message id (dedupe key together with the chat). */
  id: string;
  /** Stable customer id: E.164 when the phone number is known, else the channel's chat id. */
  customerId: string;
  /** E.164 phone number, or null when the channel could not tell (WhatsApp @lid without mapping). */
  phone: string | null;
  text: string;
  at: number;
  pushName?: string;
  /**
   * Called when the message's turn starts, i.e. once it holds the customer's lock (the sandbox answers a
   * request with what was sent from then on: with several instances, not what an earlier turn sent).
   */
  onTurnStart?: () => void;
}

export interface ChannelHealth {
  connected: boolean;
  detail?: string;
  /** Not linked yet: waiting for a QR scan or a pairing code (nothing to restart; /healthz stays 200). */
  pairing?: boolean;
  /** Another instance holds the socket (several instances): this one serves, its sends wait in the outbox. */
  standby?: boolean;
}

export interface Channel {
  readonly kind: 'sandbox' | 'whatsapp';
  /** Starts receiving; the handler is awaited per message. */
  start(handler: (message: InboundMessage) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends one message now and returns the channel's id for it. Only the outbox drainer calls this: every
   * message goes through the durable outbox (src/outbox), which owns ordering, rate and retries.
   * Throws when it cannot send (see src/outbox/errors.ts for what is retried).
   */
  /** `outboxId`: the row being sent; WhatsApp derives its message id from it, so a resend is one message. */
  deliver(chat: string, payload: OutboxPayload, outboxId?: string): Promise<{ waMessageId?: string }>;
  /** Whether a deliver() now has a chance (socket open); the drainer does not claim work otherwise. */
  canSend(): boolean;
  setTyping(customerId: string, typing: boolean): Promise<void>;
  health(): ChannelHealth;
}

export interface AlertOptions {
  /** Same kind + key = the same alert, raised once (e.g. one per outage, not one per reconnect). */
  key?: string;
}

/** Admin alerts: recorded for the dashboard and sent to ADMIN_NUMBERS. */
export interface AdminAlerter {
  alert(kind: string, message: string, orderId?: string, opts?: AlertOptions): Promise<void>;
}
