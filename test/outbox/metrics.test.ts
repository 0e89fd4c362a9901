// The send-errors counter an operator watches: fed by the drainer, by kind.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/registry.js';
import { PermanentSendError } from '../../src/outbox/errors.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { wireOutbox } from '../helpers/outbox.js';

describe('outbox metrics', () => {
  it('xaalis_outbox_send_errors_total counts transient and permanent send errors', async () => {
    const metrics = createMetrics();
    const store = createMemoryStore();
    let calls = 0;
    const wired = wireOutbox(
      store,
      {
        canSend: () => true,
        async deliver(chat) {
          calls++;
          if (chat === '+221770000009') throw new PermanentSendError('not on WhatsApp');
          if (calls === 1) throw new Error('Connection Closed');
          return { waMessageId: `WA${calls}` };
        },
      },
      { onSendError: (kind) => metrics.outboxSendError(kind) },
    );
    await wired.outbox.send([
      { id: 'a', chat: '+221770000001', kind: 'reply', payload: { type: 'text', text: 'a' } },
      { id: 'b', chat: '+221770000009', kind: 'reply', payload: { type: 'text', text: 'b' } },
    ]);
    expect(await wired.drainer.flush(3_000)).toBe(true);
    await wired.stop();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/xaalis_outbox_send_errors_total\{kind="transient"\} 1/);
    expect(text).toMatch(/xaalis_outbox_send_errors_total\{kind="permanent"\} 1/);
  });
});
