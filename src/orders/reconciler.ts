// The reconciler: finds operations without an outcome and resolves them (recorded callbacks first, then a
// rate-limited status lookup), resumes orders a restart interrupted, and tells customers when something
// takes longer than expected. Never resends blindly: a recorded-but-maybe-sent operation is looked up first
// and resent with the SAME externalTransactionId only when Intech does not know it.
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { Saga } from './saga.js';
import type { LookupResult } from './status-lookup.js';
import {
  claimUnknown,
  collectNeverArrived,
  completeReceipt,
  confirmOutcome,
  type Outcome,
  receiptFallback,
  refundResult,
  resendAbsent as resendAbsentTransition,
  slowNotice as slowNoticeTransition,
} from './transitions.js';
import type { OperationStep, Order } from './types.js';

export interface ReconcilerConfig {
  reconcileAfterMs: number;
  slowNoticeAfterMs: number;
  /** A collect found never sent is resent only while the customer is likely still waiting. */
  collectResendWithinMs: number;
  /** An Intech receipt without outcome after this goes through the chat instead. */
  receiptGiveUpMs: number;
}

const FINAL = ['SUCCESS', 'FAILLED', 'CANCELED', 'REFUNDED'];

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
}) {
  const { saga, store, config: cfg, now, logger: log } = deps;

  /** Callbacks recorded but maybe never applied (crash between record and apply): cheaper than a lookup. */
  async function replayCallbacks(o: Order, step: OperationStep): Promise<boolean> {
    const ext = o.operations[step]?.externalTransactionId;
    if (!ext) return false;
    const recs = await store.callbacks.list(ext);
    let applied = false;
    for (const rec of recs) {
      if (!FINAL.includes(rec.status)) continue;
      const body = rec.body as { msg?: string; transaction?: Record<string, unknown> } | null;
      const tx = body?.transaction ?? {};
      const outcome: Outcome = {
        status: rec.status,
        transactionId: rec.transactionId,
        errorType: (tx.errorType as Outcome['errorType']) ?? null,
        ...(typeof body?.msg === 'string' ? { message: body.msg } : {}),
        data: (tx.data as Record<string, unknown> | null | undefined) ?? null,
      };
      const source = deps.signedCallbacks ? 'signed' : 'callback';
      if ((await saga.applyOutcomeFor(o.id, step, outcome, source)) === 'applied') applied = true;
    }
    return applied;
  }

  /**
   * Resolves one operation without an outcome: recorded callbacks, else a status lookup, else (Intech does
   * not know it) a resend with the same id.
   * `startup`: the operation may have been interrupted by a crash, look it up whatever its age.
   */
  async function settle(o: Order, step: OperationStep, startup: boolean): Promise<void> {
    const op = o.operations[step];
    if (!op || op.status === 'success' || op.status === 'failed') return;
    const since = op.status === 'recorded' ? op.recordedAt : (op.sentAt ?? op.recordedAt);
    if (!startup && now() - since < cfg.reconcileAfterMs) return;
    if (await replayCallbacks(o, step)) return;
    // Once due, look again at most every reconcileAfterMs: enough to converge, far from Intech's limit.
    const res = await deps.lookup(op.externalTransactionId, cfg.reconcileAfterMs);
    if (res.kind === 'skipped') return;
    if (res.kind === 'found') {
      const r = res.result;
      // Also settles what a callback reported and was waiting for this confirmation.
      await saga.apply(o.id, (x) =>
        confirmOutcome(
          x,
          step,
          { status: r.status, transactionId: r.transactionId, errorType: r.errorType },
          now(),
        ),
      );
      return;
    }
    // Intech does not know it: the request never reached it.
    if (op.status === 'sent') {
      log.warn({ orderId: o.id, step }, 'accepted operation unknown to status lookup; waiting');
      return;
    }
    await resendAbsent(o, step);
  }

  async function resendAbsent(o: Order, step: OperationStep): Promise<void> {
    const fresh = await store.orders.get(o.id);
    if (!fresh) return;
    if (step === 'collect' && now() - fresh.createdAt > cfg.collectResendWithinMs) {
      // Too late to ask the customer to validate: nothing was taken, say so.
      await saga.apply(fresh.id, (x) => collectNeverArrived(x, now()));
      return;
    }
    if (step === 'collect' || step === 'deliver') {
      await saga.apply(fresh.id, (x) => resendAbsentTransition(x, step, now()));
      return;
    }
    if (step === 'receipt') await saga.apply(fresh.id, (x) => receiptFallback(x, 'absent at Intech', now()));
  }

  async function reconcileReceipt(o: Order, startup: boolean): Promise<void> {
    if (!o.receiptVia) return saga.receipt(o);
    if (o.receiptVia === 'chat') {
      if (startup || now() - o.updatedAt >= cfg.reconcileAfterMs) await saga.chatReceipt(o);
      return;
    }
    const op = o.operations.receipt;
    if (!op || op.status === 'failed') {
      await saga.apply(o.id, (x) => receiptFallback(x, 'receipt failed', now()));
      return;
    }
    if (op.status === 'success') {
      await saga.apply(o.id, (x) => completeReceipt(x, now()));
      return;
    }
    if (now() - (op.sentAt ?? op.recordedAt) >= cfg.receiptGiveUpMs) {
      await saga.apply(o.id, (x) => receiptFallback(x, 'no outcome', now()));
      return;
    }
    await settle(o, 'receipt', startup);
  }

  async function reconcileRefund(o: Order, startup: boolean): Promise<void> {
    const rf = o.operations.refund;
    const cl = o.operations.claim;
    if (cl && cl.status === 'recorded') return saga.claim(o);
    if (cl && cl.status === 'sent') {
      // 'claim_sent' without an answer: a crash came mid-call. Never a second claim: a person checks.
      await saga.apply(o.id, (x) => claimUnknown(x, now()));
      return;
    }
    if (cl) return;
    if (!rf) return;
    if (rf.status === 'failed') return saga.claim(o);
    const since = rf.status === 'recorded' ? rf.recordedAt : (rf.sentAt ?? rf.recordedAt);
    if (!startup && now() - since < cfg.reconcileAfterMs) return;
    const colExt = o.operations.collect?.externalTransactionId;
    if (!colExt) return saga.refund(o);
    const res = await deps.lookup(colExt, cfg.reconcileAfterMs);
    if (res.kind !== 'found') return;
    const status = res.result.status;
    if (status === 'REFUNDED' || status === 'CANCELED') {
      await saga.applyOutcomeFor(o.id, 'collect', { status: 'REFUNDED' }, 'lookup');
      return;
    }
    if (rf.status === 'recorded') {
      // Recorded but not known to be sent (crash, or Intech unreachable) and not refunded: send it now.
      await saga.refund(o);
      return;
    }
    // The refund request's outcome was unknown and the payment is still not refunded: a person takes over.
    await saga.apply(o.id, (x) =>
      refundResult(x, 'failed', `collect still ${status} after refund request`, now()),
    );
  }

  async function slowNotice(id: string): Promise<void> {
    const o = await store.orders.get(id);
    if (o && slowNoticeTransition(o, now(), cfg.slowNoticeAfterMs))
      await saga.apply(o.id, (x) => slowNoticeTransition(x, now(), cfg.slowNoticeAfterMs));
  }

  async function reconcileOrder(o: Order, startup: boolean): Promise<void> {
    switch (o.state) {
      case 'created':
        if (startup || now() - o.createdAt >= cfg.reconcileAfterMs) await deps.proceedCollect(o);
        break;
      case 'collecting':
        await settle(o, 'collect', startup);
        break;
      case 'collected':
        await saga.deliver(o);
        break;
      case 'delivering':
        await settle(o, 'deliver', startup);
        break;
      case 'delivered':
        await reconcileReceipt(o, startup);
        break;
      case 'refunding':
        await reconcileRefund(o, startup);
        break;
      default:
        break;
    }
    await slowNotice(o.id);
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
                saga
                  .busy(o.id, () => reconcileOrder(o, startup))
                  .catch((err) =>
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
