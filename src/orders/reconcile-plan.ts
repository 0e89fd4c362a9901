// The reconciler's decisions, pure: (order, now, what was looked up) -> what it still needs to know, or the
// events to apply. The runner (reconciler.ts) fetches what is needed (recorded callbacks, one rate-limited
// status lookup), calls this again, and hands each event to the saga. Never resends blindly: an operation
// that may have been sent is looked up first and resent with the SAME id only when Intech does not know it.
import type { CallbackRecord } from '../store/types.js';
import type { LookupResult } from './status-lookup.js';
import { isSettled, type Outcome, type OutcomeSource } from './transitions.js';
import type { OperationStep, Order } from './types.js';

export interface ReconcilerConfig {
  reconcileAfterMs: number;
  slowNoticeAfterMs: number;
  /** A collect found never sent is resent only while the customer is likely still waiting. */
  collectResendWithinMs: number;
  /** An Intech receipt without outcome after this goes through the chat instead. */
  receiptGiveUpMs: number;
}

export interface PlanContext {
  now: number;
  startup: boolean;
  config: ReconcilerConfig;
  /** Without HMAC a recorded callback is a notification (confirmed by a lookup); with it, signed. */
  signedCallbacks: boolean;
}

/** What the runner found out for this order during this pass. */
export interface Lookups {
  callbacks?: CallbackRecord[];
  status?: LookupResult;
}

export type Need =
  | { need: 'callbacks'; externalTransactionId: string }
  | { need: 'status'; externalTransactionId: string; minSpacingMs: number };

export type ReconcileEvent =
  | { type: 'proceed_collect' }
  | { type: 'deliver' }
  | { type: 'outcome'; step: OperationStep; outcome: Outcome; source: OutcomeSource }
  | { type: 'confirm'; step: OperationStep; found: Outcome }
  | { type: 'resend'; step: 'collect' | 'deliver' }
  | { type: 'collect_absent' }
  | { type: 'receipt' }
  | { type: 'chat_receipt' }
  | { type: 'receipt_fallback'; reason: string }
  | { type: 'complete_receipt' }
  | { type: 'refund' }
  | { type: 'refund_failed'; detail: string }
  | { type: 'claim' }
  | { type: 'claim_unknown' }
  | { type: 'slow_notice' };

export type Plan = Need | { events: ReconcileEvent[] };

const FINAL = ['SUCCESS', 'FAILLED', 'CANCELED', 'REFUNDED'];

function due(ctx: PlanContext, since: number): boolean {
  return ctx.startup || ctx.now - since >= ctx.config.reconcileAfterMs;
}

function outcomeOf(rec: CallbackRecord): Outcome {
  const body = rec.body as { msg?: string; transaction?: Record<string, unknown> } | null;
  const tx = body?.transaction ?? {};
  return {
    status: rec.status,
    transactionId: rec.transactionId,
    errorType: (tx.errorType as Outcome['errorType']) ?? null,
    ...(typeof body?.msg === 'string' ? { message: body.msg } : {}),
    data: (tx.data as Record<string, unknown> | null | undefined) ?? null,
    // Kept for a signed replay (the receipt's operator reference); an unsigned one keeps none of these.
    ...(typeof tx.sousServiceTransactionId === 'string'
      ? { sousServiceTransactionId: tx.sousServiceTransactionId }
      : {}),
  };
}

/** One operation without an outcome: recorded callbacks, else a status lookup, else a resend. */
function settle(o: Order, step: OperationStep, ctx: PlanContext, got: Lookups): Plan {
  const op = o.operations[step];
  if (!op || isSettled(op)) return { events: [] };
  const since = op.status === 'recorded' ? op.recordedAt : (op.sentAt ?? op.recordedAt);
  if (!due(ctx, since)) return { events: [] };
  if (!got.callbacks) return { need: 'callbacks', externalTransactionId: op.externalTransactionId };
  // Callbacks recorded but maybe never applied (crash between record and apply): cheaper than a lookup.
  // Unsigned ones only become reports to confirm, so one not yet reported is handed on (its details kept).
  const source: OutcomeSource = ctx.signedCallbacks ? 'signed' : 'callback';
  const pending = got.callbacks.filter(
    (r) => FINAL.includes(r.status) && (ctx.signedCallbacks || op.reported?.status !== r.status),
  );
  if (pending.length > 0 && (ctx.signedCallbacks || !op.reported)) {
    return { events: pending.map((r) => ({ type: 'outcome', step, outcome: outcomeOf(r), source })) };
  }
  if (!got.status) {
    // Once due, look again at most every reconcileAfterMs: enough to converge, far from Intech's limit.
    return {
      need: 'status',
      externalTransactionId: op.externalTransactionId,
      minSpacingMs: ctx.config.reconcileAfterMs,
    };
  }
  const res = got.status;
  if (res.kind === 'skipped') return { events: [] };
  if (res.kind === 'found') {
    const r = res.result;
    return {
      events: [
        {
          type: 'confirm',
          step,
          found: { status: r.status, transactionId: r.transactionId, errorType: r.errorType },
        },
      ],
    };
  }
  // Intech does not know it. Accepted before: wait (its index may lag). Never accepted: it never arrived.
  if (op.status === 'sent') return { events: [] };
  if (step === 'collect') {
    // Too late to ask the customer to validate: nothing was taken, say so.
    if (ctx.now - o.createdAt > ctx.config.collectResendWithinMs)
      return { events: [{ type: 'collect_absent' }] };
    return { events: [{ type: 'resend', step }] };
  }
  if (step === 'deliver') return { events: [{ type: 'resend', step }] };
  if (step === 'receipt') return { events: [{ type: 'receipt_fallback', reason: 'absent at Intech' }] };
  return { events: [] };
}

function receipt(o: Order, ctx: PlanContext, got: Lookups): Plan {
  if (!o.receiptVia) return { events: [{ type: 'receipt' }] };
  if (o.receiptVia === 'chat') return { events: due(ctx, o.updatedAt) ? [{ type: 'chat_receipt' }] : [] };
  const op = o.operations.receipt;
  if (!op || op.status === 'failed')
    return { events: [{ type: 'receipt_fallback', reason: 'receipt failed' }] };
  if (op.status === 'success') return { events: [{ type: 'complete_receipt' }] };
  if (ctx.now - (op.sentAt ?? op.recordedAt) >= ctx.config.receiptGiveUpMs)
    return { events: [{ type: 'receipt_fallback', reason: 'no outcome' }] };
  return settle(o, 'receipt', ctx, got);
}

function refund(o: Order, ctx: PlanContext, got: Lookups): Plan {
  const rf = o.operations.refund;
  const cl = o.operations.claim;
  if (cl?.status === 'recorded') return { events: [{ type: 'claim' }] };
  // 'claim_sent' without an answer: a crash came mid-call. Never a second claim: a person checks.
  if (cl?.status === 'sent') return { events: [{ type: 'claim_unknown' }] };
  if (cl || !rf) return { events: [] };
  if (rf.status === 'failed') return { events: [{ type: 'claim' }] };
  const since = rf.status === 'recorded' ? rf.recordedAt : (rf.sentAt ?? rf.recordedAt);
  if (!due(ctx, since)) return { events: [] };
  const colExt = o.operations.collect?.externalTransactionId;
  if (!colExt) return { events: [{ type: 'refund' }] };
  if (!got.status)
    return { need: 'status', externalTransactionId: colExt, minSpacingMs: ctx.config.reconcileAfterMs };
  if (got.status.kind !== 'found') return { events: [] };
  const status = got.status.result.status;
  if (status === 'REFUNDED' || status === 'CANCELED')
    return {
      events: [{ type: 'outcome', step: 'collect', outcome: { status: 'REFUNDED' }, source: 'lookup' }],
    };
  // Recorded but not known to be sent (crash, or Intech unreachable) and not refunded: send it now.
  if (rf.status === 'recorded') return { events: [{ type: 'refund' }] };
  // The refund's outcome was unknown and the payment is still not refunded: a person takes over.
  return { events: [{ type: 'refund_failed', detail: `collect still ${status} after refund request` }] };
}

/** The reconciler's decision for one open order. */
export function planReconcile(o: Order, ctx: PlanContext, got: Lookups = {}): Plan {
  let plan: Plan;
  switch (o.state) {
    case 'created':
      plan = { events: due(ctx, o.createdAt) ? [{ type: 'proceed_collect' }] : [] };
      break;
    case 'collecting':
      plan = settle(o, 'collect', ctx, got);
      break;
    case 'collected':
      plan = { events: [{ type: 'deliver' }] };
      break;
    case 'delivering':
      plan = settle(o, 'deliver', ctx, got);
      break;
    case 'delivered':
      plan = receipt(o, ctx, got);
      break;
    case 'refunding':
      plan = refund(o, ctx, got);
      break;
    default:
      plan = { events: [] };
  }
  if ('need' in plan) return plan;
  const slow =
    ['collecting', 'collected', 'delivering', 'refunding'].includes(o.state) &&
    ctx.now - o.createdAt >= ctx.config.slowNoticeAfterMs &&
    !o.notices?.includes('slow');
  return slow ? { events: [...plan.events, { type: 'slow_notice' }] } : plan;
}
