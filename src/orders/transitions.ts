// The order state machine as pure functions: (order, event) -> next order + side effects, or null when the
// event changes nothing (duplicate, stale, not applicable). The saga stores `next` with a compare-and-set
// and runs the effects only when its write won, so a callback, a status lookup and a response racing for
// the same outcome act once.
import type { IntechErrorType, IntechStatus, OperationAccepted } from '../intech/types.js';
import { extractTokens } from './tokens.js';
import type { Operation, OperationStep, Order, OrderState } from './types.js';

export interface Outcome {
  status: IntechStatus;
  transactionId?: string | null;
  errorType?: IntechErrorType | null;
  message?: string;
  data?: Record<string, unknown> | null;
  sousServiceTransactionId?: string | null;
}

export type Effect =
  | { type: 'notify_pay_instructions' }
  | { type: 'notify_collected' }
  | { type: 'start_delivery' }
  | { type: 'notify_collect_failed'; errorType: IntechErrorType | null; notSent?: boolean }
  | { type: 'start_refund' }
  | { type: 'notify_delivered' }
  | { type: 'start_receipt' }
  | { type: 'receipt_chat' }
  | { type: 'notify_refunded' }
  | { type: 'open_claim' }
  | { type: 'alert'; kind: string; message: string };

export interface Transition {
  next: Order;
  effects: Effect[];
}

const FINAL_OK: IntechStatus[] = ['SUCCESS'];
const FINAL_KO: IntechStatus[] = ['FAILLED', 'CANCELED'];

export function isSettled(op: Operation | undefined): boolean {
  return op?.status === 'success' || op?.status === 'failed';
}

function clone(o: Order): Order {
  return structuredClone(o);
}

function event(o: Order, at: number, type: string, detail?: string): void {
  o.events.push(detail === undefined ? { at, type } : { at, type, detail });
  o.updatedAt = at;
}

function setState(o: Order, state: OrderState, at: number): void {
  if (o.state !== state) event(o, at, `state:${state}`, o.state);
  o.state = state;
}

function fill(op: Operation, out: Outcome): void {
  if (out.transactionId) op.transactionId = out.transactionId;
  if (out.sousServiceTransactionId) op.sousServiceTransactionId = out.sousServiceTransactionId;
  if (out.errorType !== undefined) op.errorType = out.errorType;
  if (out.message !== undefined) op.message = out.message;
  if (out.data !== undefined) op.data = out.data;
  op.intechStatus = out.status;
}

/** The refund operation: refund-cancel goes by Intech's transactionId of the collect. */
function refundOp(o: Order, at: number): Operation {
  const col = o.operations.collect;
  return {
    step: 'refund',
    externalTransactionId: '',
    codeService: o.payment.codeService,
    amount: o.amount,
    status: 'recorded',
    ...(col?.transactionId ? { transactionId: col.transactionId } : {}),
    recordedAt: at,
  };
}

export function newOperation(
  step: OperationStep,
  ext: string,
  codeService: string,
  amount: number,
  at: number,
): Operation {
  return { step, externalTransactionId: ext, codeService, amount, status: 'recorded', recordedAt: at };
}

// ---------------------------------------------------------------------------------------------------------
// Starting steps

/** created -> collecting, with the CASHOUT recorded (not yet sent). */
export function beginCollect(o: Order, op: Operation, at: number): Transition | null {
  if (o.state !== 'created' || o.operations.collect) return null;
  const next = clone(o);
  next.operations.collect = op;
  setState(next, 'collecting', at);
  return { next, effects: [] };
}

/** created -> cancelled: nothing was sent (merchant balance too low, service unavailable). */
export function cancelBeforeCollect(o: Order, reason: string, at: number): Transition | null {
  if (o.state !== 'created' || o.operations.collect) return null;
  const next = clone(o);
  event(next, at, 'cancelled', reason);
  setState(next, 'cancelled', at);
  return { next, effects: [] };
}

/** collected -> delivering, with the delivery recorded (not yet sent). */
export function beginDelivery(o: Order, op: Operation, at: number): Transition | null {
  if (o.state !== 'collected' || o.operations.deliver) return null;
  if (o.operations.collect?.status !== 'success') return null; // never deliver without a collected payment
  const next = clone(o);
  next.operations.deliver = op;
  setState(next, 'delivering', at);
  return { next, effects: [] };
}

/** delivered, no receipt path chosen yet -> chosen (and the WhatsApp op recorded when via intech). */
export function beginReceipt(
  o: Order,
  via: 'intech' | 'chat',
  op: Operation | null,
  at: number,
): Transition | null {
  if (o.state !== 'delivered' || o.receiptVia) return null;
  const next = clone(o);
  next.receiptVia = via;
  if (via === 'intech' && op) next.operations.receipt = op;
  event(next, at, 'receipt', via);
  return { next, effects: [] };
}

/** The Intech receipt failed or is lost: switch to the chat channel (a duplicate receipt beats none). */
export function receiptFallback(o: Order, reason: string, at: number): Transition | null {
  if (o.state !== 'delivered' || o.receiptVia === 'chat') return null;
  const next = clone(o);
  next.receiptVia = 'chat';
  const op = next.operations.receipt;
  if (op && !isSettled(op)) {
    op.status = 'failed';
    op.settledAt = at;
  }
  event(next, at, 'receipt_fallback', reason);
  return { next, effects: [{ type: 'receipt_chat' }] };
}

/** delivered -> completed once the receipt went out (or was handed to the chat). */
export function completeReceipt(o: Order, at: number): Transition | null {
  if (o.state !== 'delivered') return null;
  const next = clone(o);
  setState(next, 'completed', at);
  return { next, effects: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Request results

/** The operation request was answered "accepted": recorded -> sent; keeps ids and the payment link. */
export function markSent(
  o: Order,
  step: OperationStep,
  acc: OperationAccepted,
  at: number,
): Transition | null {
  const cur = o.operations[step];
  if (!cur) return null;
  const next = clone(o);
  const op = next.operations[step]!;
  let changed = false;
  if (acc.transactionId && !op.transactionId) {
    op.transactionId = acc.transactionId;
    changed = true;
  }
  const link = acc.deepLinkUrl ?? acc.authLinkUrl;
  if (link && !op.deepLinkUrl) {
    op.deepLinkUrl = link;
    changed = true;
  }
  const effects: Effect[] = [];
  if (op.status === 'recorded' || op.status === 'unknown') {
    op.status = 'sent';
    op.sentAt = at;
    changed = true;
    // Payment instructions only while the customer still has something to do.
    if (step === 'collect' && o.state === 'collecting') effects.push({ type: 'notify_pay_instructions' });
  }
  if (!changed) return null;
  next.updatedAt = at;
  return { next, effects };
}

/** Timeout / connection lost after sending: outcome unknown (never "failed"). */
export function markUnknown(o: Order, step: OperationStep, at: number): Transition | null {
  const cur = o.operations[step];
  if (!cur || isSettled(cur) || cur.status === 'unknown') return null;
  const next = clone(o);
  const op = next.operations[step]!;
  op.status = 'unknown';
  op.sentAt ??= at;
  event(next, at, `${step}:unknown`);
  // The payment request may be waiting on the customer's phone: say how to validate it. A link-based
  // wallet (Wave, card) has no link without the answer, so nothing useful can be said yet.
  const phoneValidated = !/^(WAVE_|BANK_CARD_)/.test(o.payment.codeService);
  if (step === 'collect' && o.state === 'collecting' && cur.status === 'recorded' && phoneValidated) {
    return { next, effects: [{ type: 'notify_pay_instructions' }] };
  }
  return { next, effects: [] };
}

/** The request provably never reached Intech. */
export function markNotSent(o: Order, step: OperationStep, at: number): Transition | null {
  const cur = o.operations[step];
  if (cur?.status !== 'recorded') return null;
  if (step === 'collect')
    return o.state === 'collecting' ? failUnsentCollect(o, at, 'collect:not_sent') : null;
  if (step === 'receipt') return receiptFallback(o, 'not_sent', at);
  // A delivery stays 'recorded': the reconciler looks it up and resends the SAME id only if Intech lacks it.
  const next = clone(o);
  event(next, at, `${step}:not_sent`);
  return { next, effects: [] };
}

/** A collect Intech does not know, found too late to ask the customer again: nothing was taken. */
export function collectNeverArrived(o: Order, at: number): Transition | null {
  const cur = o.operations.collect;
  if (o.state !== 'collecting' || !cur || isSettled(cur)) return null;
  return failUnsentCollect(o, at, 'collect:absent');
}

/** The collect never reached Intech: nothing was taken, the customer is told so. */
function failUnsentCollect(o: Order, at: number, eventType: string): Transition {
  const next = clone(o);
  const op = next.operations.collect!;
  op.status = 'failed';
  op.settledAt = at;
  event(next, at, eventType);
  setState(next, 'collect_failed', at);
  return { next, effects: [{ type: 'notify_collect_failed', errorType: null, notSent: true }] };
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes (callback, status lookup, rejected response)

export type OutcomeResult = Transition | 'duplicate' | 'ignored';

export function applyOutcome(o: Order, step: OperationStep, out: Outcome, at: number): OutcomeResult {
  const cur = o.operations[step];
  if (!cur) return 'ignored';
  const ok = FINAL_OK.includes(out.status);
  const ko = FINAL_KO.includes(out.status);

  if (!ok && !ko) {
    if (step === 'collect' && out.status === 'REFUNDED') return collectRefunded(o, out, at);
    // PENDING / PROCESSING: the request reached Intech.
    if (cur.status !== 'recorded' && !(cur.status === 'unknown')) {
      if (out.transactionId && !cur.transactionId) {
        const next = clone(o);
        next.operations[step]!.transactionId = out.transactionId;
        next.updatedAt = at;
        return { next, effects: [] };
      }
      return 'ignored';
    }
    const next = clone(o);
    const op = next.operations[step]!;
    op.status = 'sent';
    op.sentAt ??= at;
    if (out.transactionId) op.transactionId ??= out.transactionId;
    op.intechStatus = out.status;
    next.updatedAt = at;
    return { next, effects: [] };
  }

  if (isSettled(cur)) {
    if ((cur.status === 'success') === ok) return 'duplicate';
    return conflict(o, step, out, at);
  }

  const next = clone(o);
  const op = next.operations[step]!;
  fill(op, out);
  op.status = ok ? 'success' : 'failed';
  op.settledAt = at;
  event(next, at, `${step}:${ok ? 'success' : 'failed'}`, out.errorType?.code);

  switch (step) {
    case 'collect':
      if (o.state !== 'collecting') return { next, effects: [] };
      if (ok) {
        setState(next, 'collected', at);
        return { next, effects: [{ type: 'notify_collected' }, { type: 'start_delivery' }] };
      }
      setState(next, 'collect_failed', at);
      return { next, effects: [{ type: 'notify_collect_failed', errorType: out.errorType ?? null }] };
    case 'deliver':
      if (o.state !== 'delivering') return { next, effects: [] };
      if (ok) {
        const tokens = extractTokens(out.data ?? null, out.message);
        if (tokens.length > 0) next.tokens = tokens;
        setState(next, 'delivered', at);
        return { next, effects: [{ type: 'notify_delivered' }, { type: 'start_receipt' }] };
      }
      next.operations.refund = refundOp(next, at);
      setState(next, 'refunding', at);
      return { next, effects: [{ type: 'start_refund' }] };
    case 'receipt':
      if (o.state !== 'delivered' || o.receiptVia !== 'intech') return { next, effects: [] };
      if (ok) {
        setState(next, 'completed', at);
        return { next, effects: [] };
      }
      next.receiptVia = 'chat';
      event(next, at, 'receipt_fallback', out.errorType?.code ?? 'failed');
      return { next, effects: [{ type: 'receipt_chat' }] };
    default:
      return { next, effects: [] };
  }
}

/** The collect shows REFUNDED: our refund went through (or Intech refunded on its own). */
function collectRefunded(o: Order, out: Outcome, at: number): OutcomeResult {
  const refund = o.operations.refund;
  if (o.state !== 'refunding' || !refund || refund.status === 'success') return 'ignored';
  const next = clone(o);
  const op = next.operations.refund!;
  op.status = 'success';
  op.intechStatus = out.status;
  op.settledAt = at;
  delete next.operations.claim;
  setState(next, 'refunded', at);
  return { next, effects: [{ type: 'notify_refunded' }] };
}

/** A second, contradicting final outcome for a settled operation. Money first: refund or alert, once. */
function conflict(o: Order, step: OperationStep, out: Outcome, at: number): OutcomeResult {
  const key = `conflict:${step}:${out.status}`;
  if (o.events.some((e) => e.type === key)) return 'duplicate';
  const next = clone(o);
  event(next, at, key, out.errorType?.code);
  const ok = FINAL_OK.includes(out.status);
  if (step === 'collect' && ok && o.state === 'collect_failed') {
    // The customer was charged after all, for an order we gave up on: give the money back.
    const op = next.operations.collect!;
    fill(op, out);
    op.status = 'success';
    op.settledAt = at;
    next.operations.refund = refundOp(next, at);
    setState(next, 'refunding', at);
    return {
      next,
      effects: [
        {
          type: 'alert',
          kind: 'late_collect',
          message: `Order ${o.id}: payment succeeded after being failed; refunding`,
        },
        { type: 'start_refund' },
      ],
    };
  }
  if (step === 'receipt') return { next, effects: [] };
  return {
    next,
    effects: [
      {
        type: 'alert',
        kind: 'conflicting_outcome',
        message: `Order ${o.id}: ${step} reported ${out.status} after being ${o.operations[step]?.status}; state ${o.state}. Check by hand.`,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Refund and claim

export function refundResult(
  o: Order,
  result: 'success' | 'failed' | 'unknown',
  detail: string | undefined,
  at: number,
): Transition | null {
  const cur = o.operations.refund;
  if (o.state !== 'refunding' || !cur || isSettled(cur)) return null;
  const next = clone(o);
  const op = next.operations.refund!;
  if (result === 'unknown') {
    if (op.status === 'unknown') return null;
    op.status = 'unknown';
    op.sentAt ??= at;
    event(next, at, 'refund:unknown', detail);
    return { next, effects: [] };
  }
  op.status = result;
  op.settledAt = at;
  if (detail) op.message = detail;
  event(next, at, `refund:${result}`, detail);
  if (result === 'success') {
    setState(next, 'refunded', at);
    return { next, effects: [{ type: 'notify_refunded' }] };
  }
  next.operations.claim = {
    step: 'claim',
    externalTransactionId: '',
    codeService: o.payment.codeService,
    amount: o.amount,
    status: 'recorded',
    ...(op.transactionId ? { transactionId: op.transactionId } : {}),
    recordedAt: at,
  };
  return { next, effects: [{ type: 'open_claim' }] };
}

/** refunding -> needs_human once the claim is opened (or could not be), admins alerted, customer told. */
export function finishClaim(o: Order, claimRef: string | undefined, at: number): Transition | null {
  const cur = o.operations.claim;
  if (o.state !== 'refunding' || !cur) return null;
  const next = clone(o);
  const op = next.operations.claim!;
  op.status = claimRef ? 'success' : 'failed';
  op.settledAt = at;
  if (claimRef) next.claimRef = claimRef;
  setState(next, 'needs_human', at);
  return { next, effects: [] };
}

// ---------------------------------------------------------------------------------------------------------

/** Marks a proactive notice as sent (each goes once per order). */
export function addNotice(o: Order, notice: string, at: number): Transition | null {
  if (o.notices?.includes(notice)) return null;
  const next = clone(o);
  next.notices = [...(next.notices ?? []), notice];
  next.updatedAt = at;
  return { next, effects: [] };
}

/** Appends an audit event (no state change). */
export function addEvent(o: Order, type: string, detail: string | undefined, at: number): Transition {
  const next = clone(o);
  event(next, at, type, detail);
  return { next, effects: [] };
}
