// The Woyofal code that arrives after the customer was told "the code follows" (transitions' notify_tokens)
// reaches the customer, once, through the outbox.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createSaga } from '../../src/orders/saga.js';
import type { Order } from '../../src/orders/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { recordingChannel, wireOutbox } from '../helpers/outbox.js';
import { recordingAlerter } from './harness.js';
import { createdOrder } from './order-fixture.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('late Woyofal code', () => {
  it('notify_tokens sends the code to the customer once, even when the effect runs again', async () => {
    const store = createMemoryStore();
    const customer = recordingChannel();
    const wired = wireOutbox(store, customer);
    stops.push(wired.stop);
    const saga = createSaga({
      store,
      intech: {} as never,
      outbox: wired.outbox,
      alerter: recordingAlerter(),
      requestConfig: {
        callbackUrl: 'http://127.0.0.1:1/cb',
        merchantName: 'Test',
        publicUrl: 'http://127.0.0.1:1',
      },
      receiptVia: 'intech',
      receipts: { text: () => '', png: async () => Buffer.alloc(0) },
      errorText: () => '',
      now: Date.now,
      logger: silentLogger,
      lookup: async () => ({ kind: 'skipped', why: 'test' }) as never,
    });
    const o: Order = {
      ...createdOrder('WOYOLATE', Date.now()),
      kind: 'bill_reload',
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      account: '14123456789',
      state: 'completed',
      tokens: ['12345678901234567890'],
    };
    await saga.runEffects(o, [{ type: 'notify_tokens' }]);
    await saga.runEffects(o, [{ type: 'notify_tokens' }]);
    expect(await wired.drainer.flushChat(o.customerId, 2_000)).toBe(true);
    const texts = customer.texts(o.customerId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('1234 5678 9012 3456 7890');
    expect(texts[0]).toContain('WOYOLATE');
  });
});
