// Property test (#13): random and adversarial callback sequences (duplicates, reorders, status flips,
// unknown ids, replays, with and without HMAC) fed to the pure order machine, with a fake Intech that
// knows the truth. Effects are run as the saga runs them. Invariants: at most one delivery, and only after
// a confirmed collect; a refund only after a confirmed collect; nobody told "refunded" without a refund;
// no order lost (a collected order ends delivered, refunded or with a person on it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IntechStatus } from '../../src/intech/types.js';
import {
  applyOutcome,
  beginClaim,
  beginCollect,
  beginDelivery,
  beginReceipt,
  completeReceipt,
  confirmOutcome,
  type Effect,
  finishClaim,
  markSent,
  newOperation,
  type OutcomeResult,
  refundResult,
  type Transition,
  unknownCallback,
} from '../../src/orders/transitions.js';
import type { Order } from '../../src/orders/types.js';
import { createdOrder } from './order-fixture.js';

const T = 1_000_000;
const STATUSES: IntechStatus[] = ['SUCCESS', 'FAILLED', 'PENDING', 'PROCESSING', 'REFUNDED', 'CANCELED'];

interface Truth {
  collect: 'SUCCESS' | 'FAILLED';
  deliver: 'SUCCESS' | 'FAILLED';
  refundOk: boolean;
}

type Ev =
  | { kind: 'callback'; step: 'collect' | 'deliver'; status: IntechStatus; forged: boolean }
  | { kind: 'genuine'; step: 'collect' | 'deliver' }
  | { kind: 'lookup'; step: 'collect' | 'deliver' }
  | { kind: 'unknown'; status: IntechStatus };

function fresh(): Order {
  return createdOrder('PROP2345', T);
}

function simulate(truth: Truth, events: Ev[], hmac: boolean) {
  let o = fresh();
  let at = T;
  const seen = {
    deliveries: 0,
    refunds: 0,
    refundedTold: 0,
    claims: 0,
    alerts: [] as string[],
    deliveredBeforeCollect: false,
    refundBeforeCollect: false,
  };
  const intech = { deliverSent: false, refunded: false };

  /** What get-transaction-status answers now. */
  function statusOf(step: 'collect' | 'deliver'): IntechStatus | null {
    if (step === 'collect') return intech.refunded ? 'REFUNDED' : truth.collect;
    return intech.deliverSent ? truth.deliver : null;
  }

  const queue: Effect[] = [];
  function take(r: Transition | OutcomeResult | null): void {
    if (!r || typeof r === 'string') return;
    if (r.next !== o) o = r.next;
    queue.push(...r.effects);
  }

  function run(): void {
    let guard = 0;
    while (queue.length > 0) {
      if (guard++ > 200) throw new Error('effects do not settle');
      const e = queue.shift()!;
      at += 1;
      switch (e.type) {
        case 'send':
          if (e.step === 'deliver') {
            seen.deliveries++;
            if (truth.collect !== 'SUCCESS') seen.deliveredBeforeCollect = true;
            intech.deliverSent = true;
          }
          take(
            markSent(
              o,
              e.step,
              {
                transactionId: `TX-${e.step}`,
                externalTransactionId: 'x',
                status: 'PENDING',
                raw: {},
              } as never,
              at,
            ),
          );
          break;
        case 'start_delivery':
          take(beginDelivery(o, newOperation('deliver', `${o.id}-DLV`, o.codeService, o.amount, at), at));
          break;
        case 'confirm': {
          const s = statusOf(e.step === 'deliver' ? 'deliver' : 'collect');
          if (s) take(confirmOutcome(o, e.step, { status: s, transactionId: `TX-${e.step}` }, at));
          break;
        }
        case 'start_refund':
          seen.refunds++;
          if (truth.collect !== 'SUCCESS') seen.refundBeforeCollect = true;
          if (truth.refundOk) intech.refunded = true;
          take(refundResult(o, truth.refundOk ? 'success' : 'failed', undefined, at));
          break;
        case 'notify_refunded':
          if (!intech.refunded) throw new Error('customer told "refunded" without a refund');
          seen.refundedTold++;
          break;
        case 'open_claim':
          take(beginClaim(o, at));
          break;
        case 'send_claim':
          seen.claims++;
          take(finishClaim(o, 'CLM1', at));
          break;
        case 'start_receipt':
          take(beginReceipt(o, 'chat', null, at));
          queue.push({ type: 'receipt_chat' });
          break;
        case 'receipt_chat':
          take(completeReceipt(o, at));
          break;
        case 'alert':
          seen.alerts.push(e.kind);
          break;
        default:
          break;
      }
    }
  }

  take(beginCollect(o, newOperation('collect', `${o.id}-COL`, o.payment.codeService, o.amount, at), at));
  run();
  const source = hmac ? 'signed' : 'callback';
  for (const ev of events) {
    at += 1;
    if (ev.kind === 'unknown') {
      const d = unknownCallback('NOPE-COL', ev.status, false);
      if (!d.alert || !d.lookup) throw new Error('an unknown callback must be alerted and looked up');
      continue;
    }
    if (ev.kind === 'lookup') {
      const s = statusOf(ev.step);
      if (s) take(confirmOutcome(o, ev.step, { status: s, transactionId: `TX-${ev.step}` }, at));
    } else if (ev.kind === 'genuine') {
      const s = statusOf(ev.step);
      // A genuine callback exists only once Intech has an outcome to report (and never says REFUNDED here).
      if (s) take(applyOutcome(o, ev.step, { status: s, transactionId: `TX-${ev.step}` }, at, source));
    } else if (!hmac || !ev.forged) {
      // With HMAC a forged status fails the signature at the route: only genuine bodies get through.
      const s = hmac ? (statusOf(ev.step) ?? 'PENDING') : ev.status;
      take(applyOutcome(o, ev.step, { status: s, transactionId: `TX-${ev.step}` }, at, source));
    }
    run();
  }
  // The reconciler until quiet: every operation without an outcome is looked up.
  for (let i = 0; i < 6; i++) {
    for (const step of ['collect', 'deliver'] as const) {
      const op = o.operations[step];
      if (op && op.status !== 'success' && op.status !== 'failed') {
        const s = statusOf(step);
        if (s) take(confirmOutcome(o, step, { status: s, transactionId: `TX-${step}` }, at++));
      }
    }
    run();
  }
  return { o, seen, intech };
}

const evArb: fc.Arbitrary<Ev> = fc.oneof(
  fc.record({
    kind: fc.constant('callback' as const),
    step: fc.constantFrom('collect' as const, 'deliver' as const),
    status: fc.constantFrom(...STATUSES),
    forged: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('genuine' as const),
    step: fc.constantFrom('collect' as const, 'deliver' as const),
  }),
  fc.record({
    kind: fc.constant('lookup' as const),
    step: fc.constantFrom('collect' as const, 'deliver' as const),
  }),
  fc.record({ kind: fc.constant('unknown' as const), status: fc.constantFrom(...STATUSES) }),
);

const truthArb: fc.Arbitrary<Truth> = fc.record({
  collect: fc.constantFrom('SUCCESS' as const, 'FAILLED' as const),
  deliver: fc.constantFrom('SUCCESS' as const, 'FAILLED' as const),
  refundOk: fc.boolean(),
});

describe('order machine under adversarial callbacks', () => {
  it.each([false, true])('invariants hold (HMAC %s)', (hmac) => {
    fc.assert(
      fc.property(truthArb, fc.array(evArb, { maxLength: 40 }), (truth, events) => {
        // Replays and duplicates: every event may come twice, in any order (fast-check shuffles too).
        const doubled = events.flatMap((e, i) => (i % 3 === 0 ? [e, e] : [e]));
        const { o, seen, intech } = simulate(truth, doubled, hmac);
        expect(seen.deliveries).toBeLessThanOrEqual(1);
        expect(seen.deliveredBeforeCollect).toBe(false);
        expect(seen.refundBeforeCollect).toBe(false);
        expect(seen.refunds).toBeLessThanOrEqual(1);
        expect(seen.claims).toBeLessThanOrEqual(1);
        expect(seen.refundedTold).toBeLessThanOrEqual(1);
        if (seen.refundedTold > 0) expect(intech.refunded).toBe(true);
        if (seen.claims > 0) expect(truth.collect === 'SUCCESS' && !truth.refundOk).toBe(true);
        // No order lost: with the reconciler's lookups, every order reaches the end its truth implies.
        if (truth.collect === 'FAILLED') expect(o.state).toBe('collect_failed');
        else if (truth.deliver === 'SUCCESS') expect(o.state).toBe('completed');
        else expect(o.state).toBe(truth.refundOk ? 'refunded' : 'needs_human');
      }),
      { numRuns: 400 },
    );
  });
});
