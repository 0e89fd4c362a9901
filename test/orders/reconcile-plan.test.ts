// The reconciler's decisions, pure: (order, now, lookups) -> what it needs, or the events to apply.
import { describe, expect, it } from 'vitest';
import { planReconcile, type PlanContext } from '../../src/orders/reconcile-plan.js';
import { beginCollect, markSent, newOperation } from '../../src/orders/transitions.js';
import type { Order } from '../../src/orders/types.js';
import type { CallbackRecord } from '../../src/store/types.js';
import { createdOrder } from './order-fixture.js';

const T = 1_000_000;
const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({
  now: T + 10_000,
  startup: false,
  signedCallbacks: false,
  config: {
    reconcileAfterMs: 1_000,
    slowNoticeAfterMs: 60_000,
    collectResendWithinMs: 600_000,
    receiptGiveUpMs: 3_000,
  },
  ...over,
});

function collecting(sent = true): Order {
  const o: Order = createdOrder('PLAN2345', T);
  let x = beginCollect(
    o,
    newOperation('collect', 'PLAN2345-COL', 'ORANGE_SN_API_CASH_OUT', 1000, T),
    T,
  )!.next;
  if (sent)
    x = markSent(
      x,
      'collect',
      { transactionId: 'TR1', externalTransactionId: 'PLAN2345-COL', status: 'PENDING', raw: {} } as never,
      T,
    )!.next;
  return x;
}

const rec = (status: CallbackRecord['status']): CallbackRecord => ({
  externalTransactionId: 'PLAN2345-COL',
  transactionId: 'TR1',
  status,
  receivedAt: T,
  body: { msg: 'ok', transaction: { data: { token: '1' } } },
});

describe('planReconcile', () => {
  it('asks for recorded callbacks, then hands an unsigned one on as a callback (never as proof)', () => {
    const o = collecting();
    expect(planReconcile(o, ctx())).toEqual({ need: 'callbacks', externalTransactionId: 'PLAN2345-COL' });
    const plan = planReconcile(o, ctx(), { callbacks: [rec('SUCCESS')] });
    expect(plan).toMatchObject({ events: [{ type: 'outcome', step: 'collect', source: 'callback' }] });
    const signed = planReconcile(o, ctx({ signedCallbacks: true }), { callbacks: [rec('SUCCESS')] });
    expect(signed).toMatchObject({ events: [{ type: 'outcome', source: 'signed' }] });
  });

  it('a report waiting for confirmation: a status lookup, whose answer is a confirmation', () => {
    const o = collecting();
    o.operations.collect!.reported = { status: 'SUCCESS', at: T };
    expect(planReconcile(o, ctx(), { callbacks: [rec('SUCCESS')] })).toMatchObject({ need: 'status' });
    const found = planReconcile(o, ctx(), {
      callbacks: [],
      status: {
        kind: 'found',
        result: {
          transactionId: 'TR1',
          externalTransactionId: 'PLAN2345-COL',
          status: 'FAILLED',
          errorType: null,
        },
      },
    });
    expect(found).toMatchObject({
      events: [{ type: 'confirm', step: 'collect', found: { status: 'FAILLED' } }],
    });
  });

  it('absent at Intech: a never-accepted collect is resent with the same id, an accepted one waits', () => {
    expect(planReconcile(collecting(false), ctx(), { callbacks: [], status: { kind: 'absent' } })).toEqual({
      events: [{ type: 'resend', step: 'collect' }],
    });
    expect(planReconcile(collecting(true), ctx(), { callbacks: [], status: { kind: 'absent' } })).toEqual({
      events: [],
    });
  });

  it('a claim recorded as sent without an answer is never sent again', () => {
    const o = collecting();
    o.state = 'refunding';
    o.operations.claim = {
      step: 'claim',
      externalTransactionId: '',
      codeService: 'x',
      amount: 1000,
      status: 'sent',
      recordedAt: T,
    };
    expect(planReconcile(o, ctx())).toEqual({ events: [{ type: 'claim_unknown' }] });
  });

  it('not due yet: nothing; slow orders get the one notice', () => {
    expect(planReconcile(collecting(), ctx({ now: T + 10 }))).toEqual({ events: [] });
    const slow = planReconcile(collecting(), ctx({ now: T + 120_000 }), {
      callbacks: [],
      status: { kind: 'skipped', why: 'spacing' },
    });
    expect(slow).toEqual({ events: [{ type: 'slow_notice' }] });
  });
});
