// Pure: what a callback's outcome does before and after the status lookup that confirms it.
import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  beginCollect,
  beginDelivery,
  confirmOutcome,
  newOperation,
  refundResult,
  type Transition,
} from '../../src/orders/transitions.js';
import type { Order } from '../../src/orders/types.js';

const T = 1_000_000;
function must(t: Transition | null | string): Transition {
  if (!t || typeof t === 'string') throw new Error(`expected a transition, got ${String(t)}`);
  return t;
}

function woyofalDelivering(): Order {
  const o: Order = {
    id: 'WOYO2345',
    version: 1,
    customerId: '+221771234567',
    lang: 'fr',
    kind: 'bill_reload',
    codeService: 'WOYOFAL_BILL_RELOAD',
    amount: 5000,
    account: '14123456789',
    payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221771234567' },
    state: 'created',
    operations: {},
    events: [],
    createdAt: T,
    updatedAt: T,
  };
  let x = must(
    beginCollect(o, newOperation('collect', 'WOYO2345-COL', 'ORANGE_SN_API_CASH_OUT', 5000, T), T),
  ).next;
  x = must(applyOutcome(x, 'collect', { status: 'SUCCESS', transactionId: 'TC' }, T, 'lookup')).next;
  return must(beginDelivery(x, newOperation('deliver', 'WOYO2345-DLV', 'WOYOFAL_BILL_RELOAD', 5000, T), T))
    .next;
}

const TOKEN_A = { token: '12345678901234567890' };
const TOKEN_B = { token: '99999999999999999999' };

describe('confirmation of an unsigned callback', () => {
  it('a SUCCESS delivery is only reported, then delivered with its tokens once the lookup agrees', () => {
    const reported = must(
      applyOutcome(
        woyofalDelivering(),
        'deliver',
        { status: 'SUCCESS', transactionId: 'TD', data: TOKEN_A },
        T,
        'callback',
      ),
    );
    expect(reported.next.state).toBe('delivering');
    expect(reported.effects).toEqual([{ type: 'confirm', step: 'deliver' }]);
    const done = must(
      confirmOutcome(reported.next, 'deliver', { status: 'SUCCESS', transactionId: 'TD' }, T),
    );
    expect(done.next.state).toBe('delivered');
    expect(done.next.tokens).toEqual([TOKEN_A.token]);
    expect(done.next.operations.deliver?.reported).toBeUndefined();
  });

  it('two copies with different tokens: neither is trusted; the customer is told the code follows, admins alerted', () => {
    const a = must(
      applyOutcome(woyofalDelivering(), 'deliver', { status: 'SUCCESS', data: TOKEN_A }, T, 'callback'),
    );
    const b = must(applyOutcome(a.next, 'deliver', { status: 'SUCCESS', data: TOKEN_B }, T, 'callback'));
    const done = must(confirmOutcome(b.next, 'deliver', { status: 'SUCCESS', transactionId: 'TD' }, T));
    expect(done.next.state).toBe('delivered');
    expect(done.next.tokens).toBeUndefined();
    expect(done.effects.map((e) => e.type)).toContain('notify_token_pending');
    expect(done.effects.some((e) => e.type === 'alert' && e.kind === 'missing_tokens')).toBe(true);
  });

  it('a FAILLED delivery refuted by the lookup: no refund, admins see both', () => {
    const r = must(applyOutcome(woyofalDelivering(), 'deliver', { status: 'FAILLED' }, T, 'callback'));
    const t = must(confirmOutcome(r.next, 'deliver', { status: 'SUCCESS', transactionId: 'TD' }, T));
    expect(t.next.operations.refund).toBeUndefined();
    expect(t.effects.map((e) => e.type)).not.toContain('start_refund');
    expect(t.effects.some((e) => e.type === 'alert' && e.kind === 'callback_refuted')).toBe(true);
  });

  it('REFUNDED from a signed callback is still only a report; the refund is learnt from the lookup', () => {
    const failed = must(applyOutcome(woyofalDelivering(), 'deliver', { status: 'FAILLED' }, T, 'signed'));
    expect(failed.next.state).toBe('refunding');
    const unknown = must(refundResult(failed.next, 'unknown', 'timeout', T));
    const rep = must(applyOutcome(unknown.next, 'collect', { status: 'REFUNDED' }, T, 'signed'));
    expect(rep.next.state).toBe('refunding');
    expect(rep.effects.map((e) => e.type)).toEqual(['confirm']);
    const done = must(confirmOutcome(rep.next, 'collect', { status: 'REFUNDED' }, T));
    expect(done.next.state).toBe('refunded');
    expect(done.effects.map((e) => e.type)).toEqual(['notify_refunded']);
  });
});
