// The WhatsApp message id of an outbox row, derived from the row's id (same shape as Baileys'
// generateMessageIDV2: "3EB0" + 18 hex digits). A row sent again after a crash between WhatsApp's
// acceptance and markSent carries the same message key, which WhatsApp clients treat as one message.
import { createHash } from 'node:crypto';

export function waMessageIdFor(outboxId: string): string {
  return `3EB0${createHash('sha256').update(`xaalis-outbox:${outboxId}`).digest('hex').toUpperCase().slice(0, 18)}`;
}
