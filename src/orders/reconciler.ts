// The reconciler's thin impure runner: for each open order, asks the pure planner (reconcile-plan.ts) what it
// needs to know, fetches it (recorded callbacks, one rate-limited status lookup), and hands the planned
// events to the saga, which decides through transitions.ts and runs the effects.
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import { type Lookups, planReconcile, type ReconcileEvent, type ReconcilerConfig } from './reconcile-plan.js';
import { localClaims, type OrderClaims } from './claims.js';
import type { Saga } from './saga.js';
import type { LookupResult } from './status-lookup.js';
import {
  claimUnknown,
  collectNeverArrived,
  completeReceipt,
  confirmOutcome,
  receiptFallback,
  refundResult,
  resendAbsent,
  slowNotice,
} from './transitions.js';
import type { Order } from './types.js';

export type { ReconcilerConfig } from './reconcile-plan.js';

export function createReconciler(deps: {
  saga: Saga;
  store: Store;
  lookup: (ext: string, minSpacingMs?: number) => Promise<LookupResult>;
  /** Without HMAC a recorded callback is a notification (confirmed by a lookup); with it, signed. */
  signedCallbacks: boolean;
  /** Collect, after checking the merchant balance (used for orders stopped in 'created'). */
  proceedCollect: (o: Order) => Promise<void>;
  config: ReconcilerConfig;
  now: () => number;
  logger: Logger;
  /** Across instances: one reconciles a given order at a time (default: this process alone). */
  claims?: OrderClaims;
}) {
  const { saga, store, config: cfg, now, logger: log } = deps;
  const claims = deps.claims ?? localClaims;

  /** Reconciles `o` unless another instance is on it; the claim is given back when done. */
  async function claimed(o: Order, startup: boolean): Promise<void> {
    if (deps.claims) {
      // Most open orders have nothing due on a given pass: no claim (two writes) for those.
      const ctx = { now: now(), startup, config: cfg, signedCallbacks: deps.signedCallbacks };
      const idle = planReconcile(o, ctx, {});
      if (!('need' in idle) && idle.events.length === 0) return;
    }
    if (!(await claims.take(o.id))) return;
    try {
      // The pass's list may be old by now (another instance may have moved the order on): plan on a fresh copy.
      const cur = deps.claims ? await store.orders.get(o.id) : o;
      if (cur) await saga.busy(o.id, () => reconcileOrder(cur, startup));
    } finally {
      await claims
        .release(o.id)
        .catch((err) => log.warn({ orderId: o.id, err: (err as Error).message }, 'claim release failed'));
    }
  }

  async function run(o: Order, e: ReconcileEvent): Promise<void> {
    const t = now();
    switch (e.type) {
      case 'proceed_collect':
        return deps.proceedCollect(o);
      case 'deliver':
        return saga.deliver(o);
      case 'outcome':
        await saga.applyOutcomeFor(o.id, e.step, e.outcome, e.source);
        return;
      case 'confirm':
        // Also settles what a callback reported and was waiting for this confirmation.
        await saga.apply(o.id, (x) => confirmOutcome(x, e.step, e.found, t));
        return;
      case 'resend':
        await saga.apply(o.id, (x) => resendAbsent(x, e.step, t));
        return;
      case 'collect_absent':
        await saga.apply(o.id, (x) => collectNeverArrived(x, t));
        return;
      case 'receipt':
        return saga.receipt(o);
      case 'chat_receipt':
        return saga.chatReceipt(o);
      case 'receipt_fallback':
        await saga.apply(o.id, (x) => receiptFallback(x, e.reason, t));
        return;
      case 'complete_receipt':
        await saga.apply(o.id, (x) => completeReceipt(x, t));
        return;
      case 'refund':
        return saga.refund(o);
      case 'refund_failed':
        await saga.apply(o.id, (x) => refundResult(x, 'failed', e.detail, t));
        return;
      case 'claim':
        return saga.claim(o);
      case 'claim_unknown':
        await saga.apply(o.id, (x) => claimUnknown(x, t));
        return;
      case 'slow_notice':
        await saga.apply(o.id, (x) => slowNotice(x, t, cfg.slowNoticeAfterMs));
        return;
    }
  }

  async function reconcileOrder(o: Order, startup: boolean): Promise<void> {
    const got: Lookups = {};
    for (let i = 0; i < 4; i++) {
      const plan = planReconcile(
        o,
        { now: now(), startup, config: cfg, signedCallbacks: deps.signedCallbacks },
        got,
      );
      if ('need' in plan) {
        if (plan.need === 'callbacks') got.callbacks = await store.callbacks.list(plan.externalTransactionId);
        else got.status = await deps.lookup(plan.externalTransactionId, plan.minSpacingMs);
        continue;
      }
      for (const e of plan.events) {
        const cur = e.type === 'slow_notice' ? ((await store.orders.get(o.id)) ?? o) : o;
        await run(cur, e);
      }
      if (got.status?.kind === 'absent')
        log.warn({ orderId: o.id, state: o.state }, 'operation unknown to Intech');
      return;
    }
  }

  let passing: Promise<void> | null = null;

  /** One pass over every open order not already being worked on in this process. */
  function pass(startup = false): Promise<void> {
    if (passing) return passing;
    passing = (async () => {
      try {
        const open = await store.orders.listOpen();
        const todo = open.filter((o) => !saga.isBusy(o.id));
        // A few at a time: one slow Intech call must not hold up every other order.
        for (let i = 0; i < todo.length; i += 8) {
          await Promise.all(
            todo
              .slice(i, i + 8)
              .map((o) =>
                claimed(o, startup).catch((err) =>
                  log.error({ orderId: o.id, err: (err as Error).message }, 'reconcile failed'),
                ),
              ),
          );
        }
      } finally {
        passing = null;
      }
    })();
    return saga.track(passing);
  }

  return { pass };
}
