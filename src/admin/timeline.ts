// An order's timeline for the dashboard: its events, its operations (recorded / sent / settled, receipt
// included) and the callbacks Intech sent, in time order.
import type { Order } from '../orders/types.js';
import type { CallbackRecord } from '../store/types.js';

export interface TimelineEntry {
  at: number;
  kind: 'event' | 'operation' | 'callback';
  label: string;
  detail?: string;
}

export function orderTimeline(o: Order, callbacks: CallbackRecord[]): TimelineEntry[] {
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
  return out.sort((a, b) => a.at - b.at);
}
