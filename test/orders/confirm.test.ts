// Pure: what a callback's outcome does before and after the status lookup that confirms it.
import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  beginCollect,
  beginDelivery,
  beginReceipt,
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
  it("a SUCCESS delivery is only reported; once the lookup agrees only its word is applied, never the body's tokens", () => {
    const reported = must(
      applyOutcome(
        woyofalDelivering(),
        'deliver',
        {
          status: 'SUCCESS',
          transactionId: 'TD',
          data: TOKEN_A,
          message: `Code ${TOKEN_A.token}`,
          sousServiceTransactionId: 'FORGED.REF',
          errorType: { id: 26, code: 'insufficient_balance', message: 'forged' },
        },
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
    expect(done.next.tokens).toBeUndefined();
    const op = done.next.operations.deliver!;
    expect(JSON.stringify(op)).not.toContain(TOKEN_A.token);
    expect(op.sousServiceTransactionId).toBeUndefined();
    expect(op.errorType ?? null).toBeNull();
    expect(op.reported).toBeUndefined();
    expect(done.effects.map((e) => e.type)).toContain('notify_token_pending');
    const alert = done.effects.find((e) => e.type === 'alert' && e.kind === 'missing_tokens');
    expect(alert && 'message' in alert ? alert.message : '').toMatch(/not Intech's word/);
    expect(done.next.events.map((e) => e.type)).toContain('deliver:untrusted_tokens');
  });

  it("a failed collect confirmed by the lookup takes the lookup's error, not the body's", () => {
    const col: Order = {
      ...woyofalDelivering(),
      state: 'collecting',
      operations: {
        collect: newOperation('collect', 'WOYO2345-COL', 'ORANGE_SN_API_CASH_OUT', 5000, T),
      },
    };
    const forgedErr = { id: 26, code: 'insufficient_balance', message: 'forged' };
    const rep = must(
      applyOutcome(col, 'collect', { status: 'FAILLED', errorType: forgedErr }, T, 'callback'),
    );
    const lookupErr = { id: 2, code: 'insufficient_balance', message: 'Solde insuffisant' };
    const done = must(confirmOutcome(rep.next, 'collect', { status: 'FAILLED', errorType: lookupErr }, T));
    expect(done.next.state).toBe('collect_failed');
    expect(done.effects).toContainEqual({ type: 'notify_collect_failed', errorType: lookupErr });
  });

  it('with HMAC, a signed copy bringing the code after a lookup settled the delivery is not a duplicate', () => {
    const byLookup = must(
      applyOutcome(woyofalDelivering(), 'deliver', { status: 'SUCCESS', transactionId: 'TD' }, T, 'lookup'),
    );
    expect(byLookup.next.tokens).toBeUndefined();
    expect(byLookup.effects.map((e) => e.type)).toContain('notify_token_pending');
    const late = must(
      applyOutcome(byLookup.next, 'deliver', { status: 'SUCCESS', data: TOKEN_A }, T + 1, 'signed'),
    );
    expect(late.next.tokens).toEqual([TOKEN_A.token]);
    expect(late.effects).toEqual([{ type: 'notify_tokens' }]);
    // Once: a further copy is a duplicate; an unsigned one never brings a code.
    expect(applyOutcome(late.next, 'deliver', { status: 'SUCCESS', data: TOKEN_B }, T + 2, 'signed')).toBe(
      'duplicate',
    );
    expect(
      applyOutcome(byLookup.next, 'deliver', { status: 'SUCCESS', data: TOKEN_A }, T + 2, 'callback'),
    ).toBe('duplicate');
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

  it('an unsigned receipt SUCCESS does not close the order: the lookup says it failed, the chat sends it', () => {
    const delivered = must(
      applyOutcome(woyofalDelivering(), 'deliver', { status: 'SUCCESS', transactionId: 'TD' }, T, 'lookup'),
    ).next;
    const op = newOperation('receipt', 'WOYO2345-RCP', 'WHATSAPP_MESSAGING', 0, T);
    const sending = must(beginReceipt(delivered, 'intech', op, T)).next;
    const rep = must(applyOutcome(sending, 'receipt', { status: 'SUCCESS' }, T, 'callback'));
    expect(rep.next.state).toBe('delivered');
    expect(rep.effects).toEqual([{ type: 'confirm', step: 'receipt' }]);
    const done = must(confirmOutcome(rep.next, 'receipt', { status: 'FAILLED' }, T));
    expect(done.next.state).toBe('delivered');
    expect(done.next.receiptVia).toBe('chat');
    expect(done.effects.map((e) => e.type)).toContain('receipt_chat');
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
