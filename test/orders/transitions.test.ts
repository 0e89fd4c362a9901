// The state machine as pure functions: what each event does to an order, and what it must not do.
import { describe, expect, it } from 'vitest';
import { extIdFor, stepOfExtId } from '../../src/orders/ext-ids.js';
import { extractTokens } from '../../src/orders/tokens.js';
import {
  applyOutcome,
  beginCollect,
  beginDelivery,
  beginReceipt,
  markNotSent,
  markSent,
  markUnknown,
  newOperation,
  refundResult,
  type Transition,
} from '../../src/orders/transitions.js';
import type { Order } from '../../src/orders/types.js';
import { createdOrder } from './order-fixture.js';

const T = 1_000_000;

function fresh(): Order {
  return createdOrder('ABCD2345', T);
}

function must(t: Transition | null | string): Transition {
  if (!t || typeof t === 'string') throw new Error(`expected a transition, got ${String(t)}`);
  return t;
}

function collecting(): Order {
  return must(
    beginCollect(fresh(), newOperation('collect', 'ABCD2345-COL', 'ORANGE_SN_API_CASH_OUT', 1000, T), T),
  ).next;
}

function collected(): Order {
  return must(applyOutcome(collecting(), 'collect', { status: 'SUCCESS', transactionId: 'TR1' }, T)).next;
}

function delivering(): Order {
  const op = newOperation('deliver', 'ABCD2345-DLV', 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 1000, T);
  return must(beginDelivery(collected(), op, T)).next;
}

describe('collect', () => {
  it('SUCCESS moves to collected and asks for the delivery, once', () => {
    const t = must(applyOutcome(collecting(), 'collect', { status: 'SUCCESS', transactionId: 'TR1' }, T + 1));
    expect(t.next.state).toBe('collected');
    expect(t.next.operations.collect).toMatchObject({
      status: 'success',
      transactionId: 'TR1',
      settledAt: T + 1,
    });
    expect(t.effects.map((e) => e.type)).toEqual(['notify_collected', 'start_delivery']);
    expect(applyOutcome(t.next, 'collect', { status: 'SUCCESS', transactionId: 'TR1' }, T + 2)).toBe(
      'duplicate',
    );
  });

  it('FAILLED moves to collect_failed and tells the customer with the error', () => {
    const errorType = { id: 4, code: 'payment-timeout' };
    const t = must(applyOutcome(collecting(), 'collect', { status: 'FAILLED', errorType }, T));
    expect(t.next.state).toBe('collect_failed');
    expect(t.effects).toEqual([{ type: 'notify_collect_failed', errorType }]);
  });

  it('PENDING only marks the request as reached; never a final outcome', () => {
    const t = must(applyOutcome(collecting(), 'collect', { status: 'PENDING', transactionId: 'TR1' }, T));
    expect(t.next.state).toBe('collecting');
    expect(t.next.operations.collect?.status).toBe('sent');
    expect(t.effects).toEqual([]);
  });

  it('a timeout is unknown, not failed', () => {
    const t = must(markUnknown(collecting(), 'collect', T));
    expect(t.next.operations.collect?.status).toBe('unknown');
    expect(t.next.state).toBe('collecting');
  });

  it('not sent at all: the customer was not charged', () => {
    const t = must(markNotSent(collecting(), 'collect', T));
    expect(t.next.state).toBe('collect_failed');
    expect(t.effects[0]).toMatchObject({ type: 'notify_collect_failed', notSent: true });
  });

  it('the response after the callback fills ids but changes no state and sends no instructions', () => {
    const done = collected();
    const t = markSent(
      done,
      'collect',
      { transactionId: 'TR1', externalTransactionId: 'x', status: 'PENDING', raw: {} },
      T,
    );
    expect(t).toBeNull();
  });

  it('a payment that succeeds after being failed is refunded and reported', () => {
    const failed = must(
      applyOutcome(collecting(), 'collect', { status: 'FAILLED', errorType: null }, T),
    ).next;
    const t = must(applyOutcome(failed, 'collect', { status: 'SUCCESS', transactionId: 'TR9' }, T));
    expect(t.next.state).toBe('refunding');
    expect(t.next.operations.refund).toMatchObject({ status: 'recorded', transactionId: 'TR9' });
    expect(t.effects.map((e) => e.type)).toEqual(['alert', 'start_refund']);
    expect(applyOutcome(t.next, 'collect', { status: 'SUCCESS', transactionId: 'TR9' }, T)).toBe('duplicate');
  });
});

describe('delivery', () => {
  it('only after a successful collect', () => {
    const op = newOperation('deliver', 'ABCD2345-DLV', 'X', 1000, T);
    expect(beginDelivery(collecting(), op, T)).toBeNull();
    expect(beginDelivery(collected(), op, T)?.next.state).toBe('delivering');
    expect(beginDelivery(delivering(), op, T)).toBeNull(); // never twice
  });

  it('not sent: stays recorded for a lookup, never failed (money was taken)', () => {
    const t = must(markNotSent(delivering(), 'deliver', T));
    expect(t.next.operations.deliver?.status).toBe('recorded');
    expect(t.next.state).toBe('delivering');
  });

  it('FAILLED records the refund before asking for it', () => {
    const t = must(applyOutcome(delivering(), 'deliver', { status: 'FAILLED', errorType: null }, T));
    expect(t.next.state).toBe('refunding');
    expect(t.next.operations.refund).toMatchObject({
      status: 'recorded',
      transactionId: 'TR1',
      amount: 1000,
    });
    expect(t.effects).toEqual([{ type: 'start_refund' }]);
  });

  it('SUCCESS keeps Woyofal tokens and starts the receipt', () => {
    const tokens = ['12345678901234567890', '09876543210987654321', '11112222333344445555'];
    const t = must(applyOutcome(delivering(), 'deliver', { status: 'SUCCESS', data: { tokens } }, T));
    expect(t.next.state).toBe('delivered');
    expect(t.next.tokens).toEqual(tokens);
    expect(t.effects.map((e) => e.type)).toEqual(['notify_delivered', 'start_receipt']);
  });

  it('a FAILLED after SUCCESS changes nothing but alerts, once', () => {
    const done = must(applyOutcome(delivering(), 'deliver', { status: 'SUCCESS' }, T)).next;
    const t = must(applyOutcome(done, 'deliver', { status: 'FAILLED', errorType: null }, T));
    expect(t.next.state).toBe('delivered');
    expect(t.next.operations.refund).toBeUndefined();
    expect(t.effects.map((e) => e.type)).toEqual(['alert']);
    expect(applyOutcome(t.next, 'deliver', { status: 'FAILLED', errorType: null }, T)).toBe('duplicate');
  });
});

describe('refund and receipt', () => {
  function refunding(): Order {
    return must(applyOutcome(delivering(), 'deliver', { status: 'FAILLED', errorType: null }, T)).next;
  }

  it('refund success ends refunded; failure records a claim', () => {
    expect(must(refundResult(refunding(), 'success', 'ok', T)).next.state).toBe('refunded');
    const f = must(refundResult(refunding(), 'failed', 'no', T));
    expect(f.next.state).toBe('refunding');
    expect(f.next.operations.claim?.status).toBe('recorded');
    expect(f.effects).toEqual([{ type: 'open_claim' }]);
    expect(refundResult(f.next, 'success', 'late', T)).toBeNull();
  });

  it('refund REFUNDED seen on the collect settles an unknown refund', () => {
    const u = must(refundResult(refunding(), 'unknown', 'timeout', T)).next;
    const t = must(applyOutcome(u, 'collect', { status: 'REFUNDED' }, T));
    expect(t.next.state).toBe('refunded');
  });

  it('receipt failure falls back to the chat once', () => {
    const delivered = must(applyOutcome(delivering(), 'deliver', { status: 'SUCCESS' }, T)).next;
    const op = newOperation('receipt', 'ABCD2345-RCT', 'WHATSAPP_MESSAGING', 0, T);
    const r = must(beginReceipt(delivered, 'intech', op, T)).next;
    expect(beginReceipt(r, 'intech', op, T)).toBeNull();
    const t = must(
      applyOutcome(
        r,
        'receipt',
        { status: 'FAILLED', errorType: { id: 12, code: 'whatsapp_user_not_found' } },
        T,
      ),
    );
    expect(t.next.receiptVia).toBe('chat');
    expect(t.effects).toEqual([{ type: 'receipt_chat' }]);
  });
});

describe('helpers', () => {
  it('external ids are deterministic per step', () => {
    expect(extIdFor('ABCD2345', 'deliver')).toBe('ABCD2345-DLV');
    expect(stepOfExtId('ABCD2345-RCT')).toEqual({ orderId: 'ABCD2345', step: 'receipt' });
    expect(() => extIdFor('ABCD2345', 'refund')).toThrow();
  });

  it('Woyofal tokens from data, else from msg (plain or grouped)', () => {
    expect(extractTokens({ tokens: ['1234 5678 9012 3456 7890'] }, undefined)).toEqual([
      '12345678901234567890',
    ]);
    expect(extractTokens(null, 'Token: 12345678901234567890, compteur 14123456789')).toEqual([
      '12345678901234567890',
    ]);
    expect(extractTokens(null, 'Codes: 1234 5678 9012 3456 7890 / 0987-6543-2109-8765-4321')).toEqual([
      '12345678901234567890',
      '09876543210987654321',
    ]);
    expect(extractTokens(null, 'Montant 5000 compteur 14123456789')).toEqual([]);
  });
});
