// WhatsApp reported a chat receipt as not delivered (messages.update ERROR, e.g. 463): which other way it
// goes, decided once per order (the event below is the guard, written by compare-and-set).
import { normalizePhone } from '../phone/phone.js';
import { addEvent, type Transition } from './transitions.js';
import type { Operation, Order } from './types.js';

export const RECEIPT_UNDELIVERED = 'receipt_undelivered';

/**
 * intech: WHATSAPP_MESSAGING to the customer's number (not used for this order yet);
 * lid: the customer's WhatsApp LID address, when the phone address was the one refused;
 * none: no other way left (admins are told).
 */
export type ResendRoute = { via: 'intech'; phone: string } | { via: 'lid'; chat: string } | { via: 'none' };

export function receiptResendRoute(o: Order, refusedChat: string, aliases: readonly string[]): ResendRoute {
  const p = normalizePhone(o.customerId);
  if (p.ok && !o.operations.receipt) return { via: 'intech', phone: p.e164 };
  const lid = aliases.find((a) => a.endsWith('@lid'));
  if (lid && lid !== refusedChat && !refusedChat.endsWith('@lid')) return { via: 'lid', chat: lid };
  return { via: 'none' };
}

/** Records the failure and the route once; null when an earlier error already chose one. */
export function receiptUndelivered(
  o: Order,
  route: ResendRoute,
  op: Operation | null,
  error: string | undefined,
  at: number,
): Transition | null {
  if (o.events.some((e) => e.type === RECEIPT_UNDELIVERED)) return null;
  const t = addEvent(
    o,
    RECEIPT_UNDELIVERED,
    `WhatsApp error ${error ?? 'unknown'}; resent via ${route.via}`,
    at,
  );
  if (route.via === 'intech' && op) t.next.operations.receipt = op;
  return t;
}
