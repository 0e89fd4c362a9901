// An order's timeline for the dashboard: its events, its operations (recorded / sent / settled, receipt
// included), the callbacks Intech sent and the messages to the customer (outbox rows: queued, sent,
// WhatsApp's delivery status or error), in time order.
import type { Order } from '../orders/types.js';
import type { CallbackRecord, OutboxMessage } from '../store/types.js';

export interface TimelineEntry {
  at: number;
  kind: 'event' | 'operation' | 'callback' | 'message';
  label: string;
  detail?: string;
}

export function orderTimeline(
  o: Order,
  callbacks: CallbackRecord[],
  messages: OutboxMessage[] = [],
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const e of o.events)
    out.push({ at: e.at, kind: 'event', label: e.type, ...(e.detail ? { detail: e.detail } : {}) });
  for (const op of Object.values(o.operations)) {
    const id = `${op.step} ${op.codeService} ${op.amount}`;
    out.push({
      at: op.recordedAt,
      kind: 'operation',
      label: `${op.step} recorded`,
      detail: `${id} ext=${op.externalTransactionId}`,
    });
    if (op.sentAt !== undefined)
      out.push({
        at: op.sentAt,
        kind: 'operation',
        label: `${op.step} sent`,
        detail: op.transactionId ? `tx=${op.transactionId}` : id,
      });
    if (op.settledAt !== undefined) {
      const err = op.errorType ? ` ${op.errorType.code}` : '';
      out.push({
        at: op.settledAt,
        kind: 'operation',
        label: `${op.step} ${op.status}`,
        detail: `${op.intechStatus ?? ''}${err}${op.message ? ` — ${op.message}` : ''}`.trim(),
      });
    }
  }
  for (const c of callbacks)
    out.push({
      at: c.receivedAt,
      kind: 'callback',
      label: `callback ${c.status}`,
      detail: `${c.externalTransactionId} tx=${c.transactionId}`,
    });
  for (const m of messages) {
    const what = `${m.kind} ${m.payload.type} → ${m.chat.replace(/\d(?=\d{2})/g, '•')} (${m.id})`;
    out.push({ at: m.createdAt, kind: 'message', label: `${m.kind} queued`, detail: what });
    if (m.sentAt !== undefined)
      out.push({ at: m.sentAt, kind: 'message', label: `${m.kind} sent`, detail: what });
    if (m.state === 'failed')
      out.push({
        at: m.sentAt ?? m.createdAt,
        kind: 'message',
        label: `${m.kind} not sent`,
        detail: `${what}: ${m.lastError ?? ''}`.trim(),
      });
    if (m.delivery && m.deliveryAt !== undefined)
      out.push({
        at: m.deliveryAt,
        kind: 'message',
        label: `${m.kind} ${m.delivery === 'error' ? 'delivery error' : m.delivery}`,
        detail: m.deliveryError ? `${what}: WhatsApp error ${m.deliveryError}` : what,
      });
  }
  return out.sort((a, b) => a.at - b.at);
}
